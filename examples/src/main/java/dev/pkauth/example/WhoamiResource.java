package dev.pkauth.example;

import dev.pkauth.jaxrs.ApiKeyPrincipals;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /api/whoami}: any valid key. */
@Path("whoami")
public class WhoamiResource {
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public String whoami(@Context SecurityContext security) {
        return Json.write(Json.whoami(ApiKeyPrincipals.require(security)));
    }
}
