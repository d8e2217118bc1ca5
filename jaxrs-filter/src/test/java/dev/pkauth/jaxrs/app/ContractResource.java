package dev.pkauth.jaxrs.app;

import dev.pkauth.jaxrs.RequireScopes;
import dev.pkauth.testing.Whoami;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** The routes of the HTTP contract, found by package scanning like the filter itself. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ContractResource {
    @GET
    @Path("whoami")
    public String whoami(@Context SecurityContext sc, @Context jakarta.ws.rs.core.UriInfo uri) {
        int refusal = Whoami.refusal(uri.getRequestUri().getRawQuery());
        if (refusal != 0) throw new jakarta.ws.rs.WebApplicationException(refusal);
        return json(sc);
    }

    /** POST too, so the contract can send a body to a route that needs a key. */
    @POST
    @Path("whoami")
    public String postWhoami(@Context SecurityContext sc) {
        return json(sc);
    }

    @GET
    @Path("scoped")
    @RequireScopes("docs:write")
    public String scoped(@Context SecurityContext sc) {
        return json(sc);
    }

    @GET
    @Path("open")
    @PermitAll
    public String open(@Context SecurityContext sc) {
        return json(sc);
    }

    static String json(SecurityContext sc) {
        if (sc.getUserPrincipal() == null) return Whoami.json(null, null, null, false);
        return Whoami.json(sc.getUserPrincipal(), sc.getAuthenticationScheme(), sc.getUserPrincipal().getName(),
                sc.isUserInRole("docs:read"));
    }
}
