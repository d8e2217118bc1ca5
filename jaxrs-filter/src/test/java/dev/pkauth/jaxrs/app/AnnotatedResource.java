package dev.pkauth.jaxrs.app;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.jaxrs.ApiKeyPrincipals;
import dev.pkauth.jaxrs.RequireScopes;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/** Annotation combinations beyond the contract. */
@Path("/annotated")
@RequireScopes("base")
public class AnnotatedResource {
    @GET
    @Path("base")
    public String base(@Context SecurityContext sc) {
        ApiKeyPrincipal who = ApiKeyPrincipals.require(sc);
        return who.userId();
    }

    @GET
    @Path("more")
    @RequireScopes("more")
    public String more() {
        return "more";
    }

    @GET
    @Path("roles")
    @RolesAllowed({"admin", "ops"})
    public String roles() {
        return "roles";
    }

    @GET
    @Path("deny")
    @DenyAll
    public String deny() {
        return "never";
    }

    @GET
    @Path("permit")
    @PermitAll
    public String permit(@Context SecurityContext sc) {
        return ApiKeyPrincipals.find(sc).map(ApiKeyPrincipal::userId).orElse("anonymous");
    }
}
