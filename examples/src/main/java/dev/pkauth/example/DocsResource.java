package dev.pkauth.example;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pkauth.jaxrs.ApiKeyPrincipals;
import dev.pkauth.jaxrs.RequireScopes;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code /api/docs}: reading needs {@code docs:read}, writing {@code docs:write}. Kept in memory. */
@Path("docs")
@Produces(MediaType.APPLICATION_JSON)
public class DocsResource {
    private static final List<Map<String, Object>> DOCS = new CopyOnWriteArrayList<>(List.of(
            Map.of("title", "Welcome", "author", "pkauth")));

    /** The body of {@code POST /api/docs}. */
    record NewDoc(String title) {}

    @GET
    @RequireScopes("docs:read")
    public String list() {
        return Json.write(DOCS);
    }

    @POST
    @RequireScopes("docs:write")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Context SecurityContext security, String body) {
        NewDoc doc;
        try {
            doc = Json.MAPPER.readValue(body, NewDoc.class);
        } catch (JsonProcessingException e) {
            return ApiErrors.badRequest(Json.describe(e) + "; expected {\"title\":\"…\"}");
        }
        if (doc == null || doc.title() == null || doc.title().isBlank() || doc.title().length() > 200) {
            return ApiErrors.badRequest("title must be 1 to 200 characters");
        }
        Map<String, Object> saved = Map.of("title", doc.title(), "author", ApiKeyPrincipals.require(security).userId());
        DOCS.add(saved);
        return Response.status(Response.Status.CREATED).entity(Json.write(saved)).build();
    }
}
