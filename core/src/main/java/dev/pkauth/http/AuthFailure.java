package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import dev.pkauth.Usage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP answer refusing a request: status, headers and a small JSON body, the RFC 6750 way.
 * Adapters copy {@link #headers()} and {@link #body()} onto their response as they are.
 *
 * @param status 400, 401, 403, 429, 500 or 503
 * @param error the error code ({@code invalid_token}, …)
 * @param description a fixed, human-readable explanation (never request input)
 * @param headers {@code WWW-Authenticate} (absent on 503), {@code Cache-Control: no-store},
 *     {@code Content-Type}, and {@code Retry-After} on 503
 * @param body {@code {"error":"…","error_description":"…"}}
 */
public record AuthFailure(int status, String error, String description, Map<String, String> headers, String body) {
    /** The media type of every body. */
    public static final String CONTENT_TYPE = "application/json";

    /**
     * Copies the headers, keeping their order.
     *
     * @param status 400, 401, 403, 429, 500 or 503
     * @param error the error code ({@code invalid_token}, …)
     * @param description a fixed, human-readable explanation (never request input)
     * @param headers {@code WWW-Authenticate} (absent on 503), {@code Cache-Control: no-store}, {@code Content-Type}, and {@code Retry-After} on 503
     * @param body {@code {"error":"…","error_description":"…"}}
     */
    public AuthFailure {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /**
     * 401 with a bare challenge: no credentials were presented (RFC 6750 §3.1).
     *
     * @param realm the realm of challenges
     * @return that answer
     */
    public static AuthFailure missingCredentials(String realm) {
        return of(401, challenge(realm, null, null, null), "unauthorized", "an API key is required (Authorization: Bearer pk.…)");
    }

    /**
     * 400 {@code invalid_request}.
     *
     * @param realm the realm of challenges
     * @param description a fixed explanation (never request input)
     * @return that answer
     */
    public static AuthFailure invalidRequest(String realm, String description) {
        return of(400, challenge(realm, "invalid_request", description, null), "invalid_request", description);
    }

    /**
     * 401 {@code invalid_token}.
     *
     * @param realm the realm of challenges
     * @param description a fixed explanation (never request input)
     * @return that answer
     */
    public static AuthFailure invalidToken(String realm, String description) {
        return of(401, challenge(realm, "invalid_token", description, null), "invalid_token", description);
    }

    /**
     * 403 {@code insufficient_scope}, naming the scopes the resource needs (none named when empty).
     *
     * @param realm the realm of challenges
     * @param required the scopes asked for
     * @return that answer
     */
    public static AuthFailure insufficientScope(String realm, List<String> required) {
        String scope = required.isEmpty() ? null : String.join(" ", required);
        String description = "the API key lacks a required scope";
        return of(403, challenge(realm, "insufficient_scope", description, scope), "insufficient_scope", description);
    }

    /**
     * 403 {@code ip_not_allowed}, no challenge: a valid key used from an address outside its allowlist.
     *
     * @return that answer
     */
    public static AuthFailure ipNotAllowed() {
        return build(403, new LinkedHashMap<>(), "ip_not_allowed", "the API key may not be used from this address");
    }

    /**
     * 503 with {@code Retry-After} and no challenge: the key could not be checked.
     *
     * @param retryAfterSeconds seconds the client should wait
     * @return that answer
     */
    public static AuthFailure unavailable(int retryAfterSeconds) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Integer.toString(retryAfterSeconds));
        return build(503, h, "temporarily_unavailable", "the API key could not be checked; try again shortly");
    }

    /**
     * The answer to a store that could not answer: {@link #storeReadOnly()} for a read-only
     * database, else {@link #unavailable} with {@link BearerAuthenticator#RETRY_AFTER_SECONDS}.
     * Every adapter answers a {@link dev.pkauth.StoreUnavailableException} through this.
     *
     * @param e what the store threw
     * @return that answer
     */
    public static AuthFailure storeFailure(dev.pkauth.StoreUnavailableException e) {
        return e instanceof dev.pkauth.StoreReadOnlyException ? READ_ONLY : UNAVAILABLE;
    }

    private static final AuthFailure READ_ONLY = storeReadOnly();
    private static final AuthFailure UNAVAILABLE = unavailable(BearerAuthenticator.RETRY_AFTER_SECONDS);

    /**
     * 500 {@code store_read_only}, no challenge and no {@code Retry-After}: the database refuses
     * writes until an operator fixes it, so "try again shortly" would be untrue.
     *
     * @return that answer
     */
    public static AuthFailure storeReadOnly() {
        return build(500, new LinkedHashMap<>(), "store_read_only",
                "the key store is read-only; this request needs a write, so it fails until an operator fixes the database");
    }

    /**
     * 500 {@code misconfigured}: the route's own access rule cannot be read (a scope that is not
     * one, in a rule met only when a request reached it). Every request of that route fails,
     * closed, until the application is fixed; {@code description} names the route and the mistake.
     *
     * @param description what is wrong and where (no secret: an annotation's text)
     * @return that answer
     */
    public static AuthFailure misconfigured(String description) {
        return build(500, new LinkedHashMap<>(), "misconfigured", description);
    }

    /**
     * 429 with {@code Retry-After} and no challenge: the client address has had too many rejected keys.
     *
     * @param retryAfterSeconds seconds the client should wait
     * @return that answer
     */
    public static AuthFailure tooManyFailedAttempts(long retryAfterSeconds) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Long.toString(retryAfterSeconds));
        return build(429, h, "too_many_failed_attempts",
                "too many invalid API keys from this address; try again after the Retry-After delay");
    }

    /**
     * 429 with {@code Retry-After}, {@code RateLimit-Policy} and {@code RateLimit}, no challenge: the key's rate limit.
     *
     * @param rate the rate limit's state after this request
     * @return that answer
     */
    public static AuthFailure rateLimited(Usage.RateState rate) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Long.toString(rate.resetSeconds()));
        h.putAll(rateLimitHeaders(rate));
        return build(429, h, "rate_limited", "the API key's rate limit is reached; try again after the Retry-After delay");
    }

    /**
     * 429, no challenge: the key has no credits left; {@code Retry-After} until the next refill
     * when there is one, and the rate headers when the key has a rate limit.
     *
     * @param rate the rate limit's state after this request
     * @param retryAfterSeconds seconds the client should wait
     * @return that answer
     */
    public static AuthFailure usageExceeded(Usage.@Nullable RateState rate, @Nullable Long retryAfterSeconds) {
        Map<String, String> h = new LinkedHashMap<>();
        if (retryAfterSeconds != null) h.put("Retry-After", Long.toString(retryAfterSeconds));
        if (rate != null) h.putAll(rateLimitHeaders(rate));
        return build(429, h, "usage_exceeded", retryAfterSeconds != null
                ? "the API key has no credits left until its next refill"
                : "the API key has no credits left");
    }

    /**
     * {@code RateLimit-Policy: "key";q=<limit>;w=<window>} and {@code RateLimit: "key";r=<remaining>;t=<reset>}
     * (IETF httpapi-ratelimit-headers draft), for every answer to a rate-limited key.
     *
     * @param rate the rate limit's state after this request
     * @return the rate limit headers
     */
    public static Map<String, String> rateLimitHeaders(Usage.RateState rate) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("RateLimit-Policy", "\"key\";q=" + rate.limit() + ";w=" + rate.windowSeconds());
        h.put("RateLimit", "\"key\";r=" + rate.remaining() + ";t=" + rate.resetSeconds());
        return h;
    }

    private static AuthFailure of(int status, String challenge, String error, String description) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("WWW-Authenticate", challenge);
        return build(status, h, error, description);
    }

    private static AuthFailure build(int status, Map<String, String> h, String error, String description) {
        h.put("Cache-Control", "no-store");
        h.put("Content-Type", CONTENT_TYPE);
        String body = "{\"error\":" + jsonString(error) + ",\"error_description\":" + jsonString(description) + "}";
        return new AuthFailure(status, error, description, h, body);
    }

    /**
     * {@code Bearer realm="…"[, error="…", error_description="…"][, scope="…"]} with quoted-string escaping.
     *
     * @param realm the realm of challenges
     * @param error the error code
     * @param description a fixed explanation (never request input)
     * @param scope the scopes to name ({@code scope=}), or {@code null}
     * @return the challenge
     */
    public static String challenge(String realm, @Nullable String error, @Nullable String description, @Nullable String scope) {
        StringBuilder b = new StringBuilder("Bearer realm=").append(quote(realm));
        if (error != null) b.append(", error=").append(quote(error));
        if (description != null) b.append(", error_description=").append(quote(description));
        if (scope != null) b.append(", scope=").append(quote(scope));
        return b.toString();
    }

    /** An RFC 9110 quoted-string: {@code "} and {@code \} escaped, control characters dropped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c >= 0x20 && c != 0x7f) b.append(c);
        }
        return b.append('"').toString();
    }

    static String jsonString(String s) {
        return dev.pkauth.internal.text.Json.quote(s);
    }
}
