package dev.pkauth.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.jaxrs.ApiKeyPrincipals;
import dev.pkauth.jaxrs.RequireScopes;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-service keys over HTTP. Everyone may list their own keys; creating and revoking need
 * {@code keys:write}; a new key never gets a scope its creator lacks; another user's key is 404.
 */
@Path("keys")
@Produces(MediaType.APPLICATION_JSON)
public class KeysResource {
    /** Ten years: longer expiries are more likely a unit mistake than a wish. */
    static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;

    @Context
    private ServletContext servletContext;
    @Context
    private SecurityContext security;

    /** The body of {@code POST /api/keys}. */
    record NewKey(String name, List<String> scopes, @JsonProperty("expires_in_seconds") Long expiresInSeconds) {}

    private ApiKeyStore store() {
        return (ApiKeyStore) servletContext.getAttribute(ApiKeyFilter.STORE_ATTRIBUTE);
    }

    @GET
    public String list() {
        ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
        List<Map<String, Object>> keys = new ArrayList<>();
        for (ApiKey k : store().list(caller.userId())) keys.add(Json.key(k));
        return Json.write(Map.of("keys", keys));
    }

    @POST
    @RequireScopes("keys:write")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
        NewKey request;
        try {
            request = Json.MAPPER.readValue(body == null || body.isBlank() ? "{}" : body, NewKey.class);
        } catch (JsonProcessingException e) {
            return ApiErrors.badRequest(Json.describe(e)
                    + "; expected {\"name\":\"…\",\"scopes\":[\"…\"],\"expires_in_seconds\":N}");
        }
        List<String> scopes = request.scopes() == null ? List.of() : request.scopes();
        List<String> notHeld = scopes.stream().filter(s -> s == null || !caller.hasScope(s)).toList();
        if (!notHeld.isEmpty()) {
            return ApiErrors.of(Response.Status.FORBIDDEN, "insufficient_scope",
                    "a key cannot be given scopes its creator lacks: " + String.join(" ", notHeld));
        }
        Instant expiresAt = null;
        Long seconds = request.expiresInSeconds();
        if (seconds != null) {
            if (seconds <= 0 || seconds > MAX_EXPIRES_IN_SECONDS) {
                return ApiErrors.badRequest("expires_in_seconds must be between 1 and " + MAX_EXPIRES_IN_SECONDS);
            }
            expiresAt = Instant.now().plusSeconds(seconds);
        }
        IssuedKey issued;
        try {
            issued = store().create(caller.userId(), request.name(), scopes, expiresAt);
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", issued.token());
        out.put("key", Json.key(issued.key()));
        return Response.created(URI.create("/api/keys/" + issued.key().id()))
                .header("Cache-Control", "no-store")
                .entity(Json.write(out)).build();
    }

    @DELETE
    @Path("{id}")
    @RequireScopes("keys:write")
    public Response revoke(@PathParam("id") String id) {
        ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
        ApiKey key = store().find(id).orElse(null);
        // Someone else's key is indistinguishable from no key at all.
        if (key == null || !key.userId().equals(caller.userId())) return ApiErrors.notFound("no such key");
        store().revoke(id);
        return Response.noContent().build();
    }
}
