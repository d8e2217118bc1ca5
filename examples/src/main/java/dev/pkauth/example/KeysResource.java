package dev.pkauth.example;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeyLimitExceededException;
import dev.pkauth.KeyPage;
import dev.pkauth.KeySpec;
import dev.pkauth.IpAllowlist;
import dev.pkauth.UsageLimits;
import dev.pkauth.jaxrs.ApiKeyPrincipals;
import dev.pkauth.jaxrs.RequireScopes;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
 * Self-service keys over HTTP. Everyone may list their own keys (in pages); creating and revoking
 * need {@code keys:write}; a key mints only keys weaker and shorter-lived than itself, which die
 * with it; another user's key is 404.
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

    private static final String EXPECTED = "{\"name\":\"…\",\"scopes\":[\"…\"],\"expires_in_seconds\":N,"
            + "\"rate_limit\":{\"requests\":N,\"window_seconds\":S},\"credits\":N}";

    /** The body of {@code POST /api/keys}. */
    record NewKey(String name, List<String> scopes, @JsonProperty("expires_in_seconds") Long expiresInSeconds,
            @JsonProperty("rate_limit") NewRateLimit rateLimit, Long credits,
            com.fasterxml.jackson.databind.JsonNode metadata, @JsonProperty("allowed_ips") List<String> allowedIps) {}

    /** The body of {@code PATCH /api/keys/{id}}. */
    record KeyChange(Boolean disabled) {}

    /** {@code "rate_limit":{"requests":N,"window_seconds":S}} */
    record NewRateLimit(Integer requests, @JsonProperty("window_seconds") Long windowSeconds) {}

    private ApiKeyStore store() {
        return (ApiKeyStore) servletContext.getAttribute(ApiKeyFilter.STORE_ATTRIBUTE);
    }

    /** {@code GET /api/keys?limit=&after=}: one page of the caller's keys, newest first, and the next page's cursor. */
    @GET
    public Response list(@QueryParam("limit") @DefaultValue("50") int limit, @QueryParam("after") String after) {
        ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
        KeyPage page;
        try {
            page = store().list(caller.userId(), false, limit, after);
        } catch (IllegalArgumentException e) {
            return ApiErrors.badRequest(e.getMessage());
        }
        List<Map<String, Object>> keys = new ArrayList<>();
        for (ApiKey k : page.keys()) keys.add(Json.key(k));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", keys);
        out.put("next", page.next());
        return Response.ok(Json.write(out)).build();
    }

    /**
     * Mints a key on behalf of the caller's key: the store makes it weaker and shorter-lived than
     * the caller's key, and revokes it with it.
     */
    @POST
    @RequireScopes("keys:write")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
        NewKey request;
        try {
            request = Json.MAPPER.readValue(body == null || body.isBlank() ? "{}" : body, NewKey.class);
        } catch (JsonProcessingException e) {
            return ApiErrors.badRequest(Json.describe(e) + "; expected " + EXPECTED);
        }
        if (request == null) return ApiErrors.badRequest("the body is null; expected " + EXPECTED);
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
            UsageLimits limits = null; // unset: the store gives a minted key its minter's limits
            if (request.rateLimit() != null || request.credits() != null) {
                NewRateLimit r = request.rateLimit();
                if (r != null && (r.requests() == null || r.windowSeconds() == null)) {
                    return ApiErrors.badRequest("rate_limit needs requests and window_seconds");
                }
                limits = new UsageLimits(r == null ? null : new UsageLimits.RateLimit(r.requests(),
                        java.time.Duration.ofSeconds(r.windowSeconds())), request.credits(), null);
            }
            if (request.metadata() != null && !request.metadata().isObject()) {
                return ApiErrors.badRequest("metadata must be a JSON object");
            }
            KeySpec spec = KeySpec.of(request.name(), request.scopes() == null ? List.of() : request.scopes())
                    .expiresAt(expiresAt).limits(limits)
                    .metadata(request.metadata() == null ? null : Json.write(request.metadata()))
                    .allowedIps(request.allowedIps() == null ? null : IpAllowlist.parse(String.join(",", request.allowedIps())));
            issued = store().withActor(caller.userId()).create(caller, spec);
        } catch (SecurityException e) {
            return ApiErrors.of(Response.Status.FORBIDDEN, "insufficient_scope", e.getMessage());
        } catch (KeyLimitExceededException e) {
            return ApiErrors.of(Response.Status.CONFLICT, "too_many_keys", e.getMessage());
        } catch (IllegalStateException e) { // the caller's key was revoked or disabled meanwhile
            return ApiErrors.of(Response.Status.CONFLICT, "conflict", e.getMessage());
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
        store().withActor(caller.userId()).revoke(id);
        return Response.noContent().build();
    }

    /** {@code PATCH /api/keys/{id}} with {@code {"disabled":true|false}}: suspend or resume one's own key. */
    @PATCH
    @Path("{id}")
    @RequireScopes("keys:write")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response change(@PathParam("id") String id, String body) {
        ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
        ApiKey key = store().find(id).orElse(null);
        if (key == null || !key.userId().equals(caller.userId())) return ApiErrors.notFound("no such key");
        KeyChange change;
        try {
            change = Json.MAPPER.readValue(body == null || body.isBlank() ? "{}" : body, KeyChange.class);
        } catch (JsonProcessingException e) {
            return ApiErrors.badRequest(Json.describe(e) + "; expected {\"disabled\":true|false}");
        }
        if (change == null || change.disabled() == null) return ApiErrors.badRequest("expected {\"disabled\":true|false}");
        ApiKeyStore store = store().withActor(caller.userId());
        if (change.disabled()) store.disable(id);
        else store.enable(id);
        return Response.ok(Json.write(Json.key(store.find(id).orElseThrow()))).build();
    }
}
