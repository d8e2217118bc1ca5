package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IpAllowlist;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeyLimitExceededException;
import dev.pkauth.KeyPage;
import dev.pkauth.KeySpec;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.UsageLimits;
import dev.pkauth.internal.text.Json;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Self-service key management over HTTP, framework-free: a caller lists, shows, creates, disables
 * and revokes its own user's keys. The Servlet, JAX-RS and Spring adapters mount it at a path of
 * the host's choosing behind pkauth's authentication, and only translate requests and answers.
 *
 * <p>The rules, here once: everyone with a key may list and show their own keys; creating,
 * changing and revoking need {@value #WRITE_SCOPE}; a key mints only keys weaker and shorter-lived
 * than itself, which die with it (the store's lineage rules); another user's key answers 404, as
 * an unknown one does. Every answer, errors included, is JSON with {@code Cache-Control: no-store}.
 *
 * <table>
 *   <caption>Routes, relative to the mount path</caption>
 *   <tr><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code GET ?limit=&after=}</td><td>200 {@code {"keys":[…],"next":cursor|null}}, newest first</td></tr>
 *   <tr><td>{@code POST {"name","scopes","expires_in_seconds","rate_limit","credits","metadata","allowed_ips"}}</td>
 *       <td>201 {@code {"token":…,"key":{…}}} with {@code Location}; the token is shown only here</td></tr>
 *   <tr><td>{@code GET /{id}}</td><td>200 the key</td></tr>
 *   <tr><td>{@code PATCH /{id} {"disabled":true|false}}</td><td>200 the key</td></tr>
 *   <tr><td>{@code DELETE /{id}}</td><td>204</td></tr>
 * </table>
 *
 * <pre>{@code
 * KeysEndpoint keys = new KeysEndpoint(store, "api", "/api/keys");
 * KeysEndpoint.Answer a = keys.handle(new KeysEndpoint.Request("GET", "", null, null, -1, null, body, principal));
 * }</pre>
 */
@dev.pkauth.Beta
public final class KeysEndpoint {
    /** The scope a caller needs to create, change or revoke keys. */
    public static final String WRITE_SCOPE = "keys:write";
    /** Request bodies over this many bytes are refused with 413 before more is read. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    /**
     * The longest a request body may take to arrive: a body still arriving after this is refused
     * with 408 and its connection closed, so a client trickling bytes holds a thread no longer.
     */
    public static final java.time.Duration BODY_DEADLINE = java.time.Duration.ofSeconds(10);
    /**
     * How many request bodies one user may be sending at once, and all users together, per
     * endpoint: a body is read by a blocking read (Servlet, JAX-RS and Spring MVC alike), so
     * without these a key holder opening hundreds of slow uploads would hold every thread of the
     * container. Beyond them the request is answered at once (429 for the user, 503 for all),
     * without reading its body.
     */
    public static final int MAX_BODIES_PER_USER = 2;
    /** See {@link #MAX_BODIES_PER_USER}. */
    public static final int MAX_BODIES = 32;
    /** Page size when the request names none. */
    public static final int DEFAULT_PAGE_SIZE = 50;
    /** Ten years: longer expiries are more likely a unit mistake than a wish. */
    static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;
    private static final String EXPECTED_NEW = "{\"name\":\"…\",\"scopes\":[\"…\"],\"expires_in_seconds\":N,"
            + "\"rate_limit\":{\"requests\":N,\"window_seconds\":S},\"credits\":N,\"metadata\":{…},\"allowed_ips\":[\"CIDR\"]}";
    private static final String EXPECTED_CHANGE = "{\"disabled\":true|false}";
    private static final Set<String> NEW_FIELDS =
            Set.of("name", "scopes", "expires_in_seconds", "rate_limit", "credits", "metadata", "allowed_ips");

    private final ApiKeyStore store;
    private final String realm;
    private final String mountPath;
    private final Clock clock;
    private final Answer missingKey;
    private final Answer needsWriteScope;
    private final java.util.concurrent.Semaphore bodies = new java.util.concurrent.Semaphore(MAX_BODIES);
    /** Bodies being read per user; an entry lives only while one is (so at most {@link #MAX_BODIES} entries). */
    private final java.util.concurrent.ConcurrentHashMap<String, Integer> bodiesByUser = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param store the key store
     * @param realm the realm of challenges, as the authenticating filter uses
     * @param mountPath where the host mounted the endpoint (e.g. {@code /api/keys}), for {@code Location}
     * @throws IllegalArgumentException for a realm with characters a challenge cannot carry
     */
    public KeysEndpoint(ApiKeyStore store, String realm, String mountPath) {
        this(store, realm, mountPath, Clock.systemUTC());
    }

    KeysEndpoint(ApiKeyStore store, String realm, String mountPath, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.realm = dev.pkauth.internal.text.Validation.realm(realm);
        String path = Objects.requireNonNull(mountPath, "mountPath");
        this.mountPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.missingKey = Answer.of(AuthFailure.missingCredentials(this.realm));
        this.needsWriteScope = Answer.of(AuthFailure.insufficientScope(this.realm, List.of(WRITE_SCOPE)));
    }

    /**
     * A request as the adapter received it.
     *
     * @param method the HTTP method
     * @param path the path below the mount path: {@code ""} or {@code "/"} for the collection, {@code "/key_…"} for one key
     * @param query the raw query string, or {@code null}
     * @param contentType the {@code Content-Type} header, or {@code null}
     * @param contentLength the declared length, or -1 when none was declared
     * @param transferEncoding the {@code Transfer-Encoding} header, or {@code null}
     * @param body the body, read by the endpoint at most {@value #MAX_BODY_BYTES} bytes past what it needs
     * @param caller the authenticated key, or {@code null} when the request carried none
     */
    public record Request(String method, String path, @Nullable String query, @Nullable String contentType, long contentLength,
            @Nullable String transferEncoding, InputStream body, @Nullable ApiKeyPrincipal caller) {}

    /**
     * What to answer: the adapter sets the status, copies every header and writes the body (UTF-8).
     *
     * @param status the HTTP status
     * @param headers headers to set, {@code Content-Type} included when there is a body
     * @param body the JSON body, or {@code ""} for 204
     */
    public record Answer(int status, Map<String, String> headers, String body) {
        /**
         * Copies the headers, keeping their order.
         *
         * @param status the HTTP status
         * @param headers headers to set, {@code Content-Type} included when there is a body
         * @param body the JSON body, or {@code ""} for 204
         */
        public Answer {
            headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        static Answer of(AuthFailure failure) {
            return new Answer(failure.status(), failure.headers(), failure.body());
        }

        static Answer json(int status, Object value) {
            return new Answer(status, baseHeaders(), Json.write(value));
        }

        /**
         * A JSON error answer, {@code {"error":…,"error_description":…}} with {@code no-store}:
         * what pkauth's endpoints and their adapters answer for every refusal.
         *
         * @param status the HTTP status
         * @param error the error code
         * @param description fixed text for the client, never input
         * @return the answer
         */
        public static Answer error(int status, String error, String description) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", error);
            m.put("error_description", description);
            return json(status, m);
        }

        /**
         * 405 in the endpoints' JSON, with {@code Allow}.
         *
         * @param allow the methods the route takes, as {@code Allow} lists them
         * @return the answer
         */
        public static Answer methodNotAllowed(String allow) {
            return error(405, "method_not_allowed", "allowed here: " + allow).with("Allow", allow);
        }

        /**
         * This answer with one more header.
         *
         * @param name the header's name
         * @param value its value
         * @return a new answer
         */
        public Answer with(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Answer(status, h, body);
        }

        private static Map<String, String> baseHeaders() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Cache-Control", "no-store");
            h.put("Content-Type", AuthFailure.CONTENT_TYPE);
            return h;
        }
    }

    /**
     * Answers one request; never throws for anything the client sent.
     *
     * @param request the request
     * @return what to answer
     */
    public Answer handle(Request request) {
        BodyStream body = new BodyStream(request.body());
        Request tracked = new Request(request.method(), request.path(), request.query(), request.contentType(),
                request.contentLength(), request.transferEncoding(), body, request.caller());
        Answer answer = route(tracked);
        if (!body.ended && !answer.headers().containsKey("Connection")
                && BearerAuthenticator.closeAfterRefusal(request.contentLength(), request.transferEncoding())) {
            // An unread body leaves the connection unusable: say so, or the client's next request on it fails.
            answer = answer.with("Connection", "close");
        }
        return answer;
    }

    /** The request body, noting whether it was read to its end. */
    private static final class BodyStream extends java.io.FilterInputStream {
        boolean ended;

        BodyStream(InputStream in) {
            super(in == null ? InputStream.nullInputStream() : in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) ended = true;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) ended = true;
            return n;
        }
    }

    private Answer route(Request request) {
        ApiKeyPrincipal caller = request.caller();
        if (caller == null) return missingKey;
        String path = request.path() == null ? "" : request.path();
        String method = request.method().toUpperCase(Locale.ROOT);
        try {
            if (path.isEmpty() || path.equals("/")) {
                return switch (method) {
                    case "GET", "HEAD" -> list(caller, request.query());
                    case "POST" -> writable(caller) ? create(caller, request) : needsWriteScope;
                    default -> Answer.methodNotAllowed("GET, HEAD, POST");
                };
            }
            String id = path.substring(1);
            if (path.charAt(0) != '/' || id.isEmpty() || id.indexOf('/') >= 0) return notFound();
            // Someone else's key is indistinguishable from no key at all.
            ApiKey key = store.find(id).filter(k -> k.userId().equals(caller.userId())).orElse(null);
            return switch (method) {
                case "GET", "HEAD" -> key == null ? notFound() : Answer.json(200, keyJson(key));
                case "DELETE" -> !writable(caller) ? needsWriteScope : key == null ? notFound() : revoke(caller, id);
                case "PATCH" -> !writable(caller) ? needsWriteScope : key == null ? notFound() : change(caller, id, request);
                default -> Answer.methodNotAllowed("GET, HEAD, PATCH, DELETE");
            };
        } catch (BadRequest e) {
            return e.answer;
        } catch (StoreUnavailableException e) {
            return Answer.of(AuthFailure.storeFailure(e));
        }
    }

    private static boolean writable(ApiKeyPrincipal caller) {
        return caller.hasScope(WRITE_SCOPE);
    }

    private Answer list(ApiKeyPrincipal caller, @Nullable String query) {
        Map<String, String> params = query(query);
        int limit = DEFAULT_PAGE_SIZE;
        String rawLimit = params.get("limit");
        if (rawLimit != null) {
            try {
                limit = Integer.parseInt(rawLimit);
            } catch (NumberFormatException e) {
                throw badRequest("limit must be a whole number");
            }
        }
        KeyPage page;
        try {
            page = store.list(caller.userId(), false, limit, params.get("after"));
        } catch (IllegalArgumentException e) {
            throw badRequest(messageOf(e));
        }
        List<Object> keys = new ArrayList<>();
        for (ApiKey k : page.keys()) keys.add(keyJson(k));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", keys);
        out.put("next", page.next());
        return Answer.json(200, out);
    }

    private Answer create(ApiKeyPrincipal caller, Request request) {
        Map<String, Object> body = object(request, EXPECTED_NEW);
        for (String field : body.keySet()) {
            if (!NEW_FIELDS.contains(field)) throw badRequest("unknown field \"" + field + "\"; expected " + EXPECTED_NEW);
        }
        String name = optional(body, "name", String.class);
        List<String> scopes = strings(body, "scopes");
        Instant expiresAt = null;
        Long seconds = whole(body, "expires_in_seconds");
        if (seconds != null) {
            if (seconds <= 0 || seconds > MAX_EXPIRES_IN_SECONDS) {
                throw badRequest("expires_in_seconds must be between 1 and " + MAX_EXPIRES_IN_SECONDS);
            }
            expiresAt = clock.instant().plusSeconds(seconds);
        }
        UsageLimits limits = null; // unset: the store gives a minted key its minter's limits
        @SuppressWarnings("unchecked")
        Map<String, Object> rate = optional(body, "rate_limit", Map.class);
        Long credits = whole(body, "credits");
        if (rate != null || credits != null) {
            UsageLimits.RateLimit rateLimit = null;
            if (rate != null) {
                for (String field : rate.keySet()) {
                    if (!field.equals("requests") && !field.equals("window_seconds")) {
                        throw badRequest("unknown field \"rate_limit." + field + "\"; rate_limit needs requests and window_seconds");
                    }
                }
                Long requests = whole(rate, "requests");
                Long window = whole(rate, "window_seconds");
                if (requests == null || window == null) throw badRequest("rate_limit needs requests and window_seconds");
                if (requests > Integer.MAX_VALUE) throw badRequest("rate_limit.requests is too large");
                try {
                    rateLimit = new UsageLimits.RateLimit(requests.intValue(), Duration.ofSeconds(window));
                } catch (IllegalArgumentException e) {
                    throw badRequest(messageOf(e));
                }
            }
            try {
                limits = new UsageLimits(rateLimit, credits, null);
            } catch (IllegalArgumentException e) {
                throw badRequest(messageOf(e));
            }
        }
        Object metadata = body.get("metadata");
        if (metadata != null && !(metadata instanceof Map)) throw badRequest("metadata must be a JSON object");
        List<String> ips = strings(body, "allowed_ips");
        IssuedKey issued;
        try {
            KeySpec spec = KeySpec.of(name, scopes == null ? List.of() : scopes)
                    .expiresAt(expiresAt).limits(limits)
                    .metadata(metadata == null ? null : Json.write(metadata))
                    .allowedIps(ips == null ? null : IpAllowlist.parse(String.join(",", ips)));
            issued = store.forKeyHolder(caller.userId()).create(caller, spec);
        } catch (SecurityException e) {
            return Answer.error(403, "insufficient_scope", messageOf(e));
        } catch (KeyLimitExceededException e) {
            return Answer.error(409, "too_many_keys", messageOf(e));
        } catch (IllegalStateException e) { // the caller's key was revoked or disabled meanwhile
            return Answer.error(409, "conflict", messageOf(e));
        } catch (IllegalArgumentException e) {
            throw badRequest(messageOf(e));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", issued.token());
        out.put("key", keyJson(issued.key()));
        return Answer.json(201, out).with("Location", mountPath + "/" + issued.key().id());
    }

    private Answer revoke(ApiKeyPrincipal caller, String id) {
        store.forKeyHolder(caller.userId()).revoke(id);
        return new Answer(204, Map.of("Cache-Control", "no-store"), "");
    }

    private Answer change(ApiKeyPrincipal caller, String id, Request request) {
        Map<String, Object> body = object(request, EXPECTED_CHANGE);
        if (body.size() != 1 || !(body.get("disabled") instanceof Boolean disabled)) {
            throw badRequest("expected " + EXPECTED_CHANGE);
        }
        ApiKeyStore acting = store.forKeyHolder(caller.userId());
        if (disabled) acting.disable(id);
        else acting.enable(id);
        return acting.find(id).map(k -> Answer.json(200, keyJson(k))).orElseGet(KeysEndpoint::notFound);
    }

    // --- request bodies --------------------------------------------------------------------------

    /** The body as a JSON object ({@code {}} when empty), or a 400/413/415. */
    private Map<String, Object> object(Request request, String expected) {
        String text = read(request);
        if (text.isBlank()) return Map.of();
        String type = request.contentType() == null ? "" : request.contentType().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            throw new BadRequest(Answer.error(415, "unsupported_media_type",
                    "the body must be JSON (Content-Type: application/json); expected " + expected));
        }
        Object value;
        try {
            value = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw badRequest("the body is not valid JSON (" + e.getMessage() + "); expected " + expected);
        }
        if (value == null) throw badRequest("the body is null; expected " + expected);
        if (!(value instanceof Map)) throw badRequest("the body must be a JSON object; expected " + expected);
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) value;
        return object;
    }

    private String read(Request request) {
        if (request.contentLength() > MAX_BODY_BYTES) throw tooLarge();
        if (request.contentLength() == 0
                || (request.contentLength() < 0 && request.transferEncoding() == null)) return "";
        String user = Objects.requireNonNull(request.caller(), "caller").userId();
        if (!bodies.tryAcquire()) {
            throw new BadRequest(Answer.error(503, "temporarily_unavailable",
                    "too many request bodies are being received; try again shortly").with("Retry-After", "1"));
        }
        try {
            if (bodiesByUser.merge(user, 1, Integer::sum) > MAX_BODIES_PER_USER) {
                throw new BadRequest(Answer.error(429, "too_many_requests", "this user is already sending "
                        + MAX_BODIES_PER_USER + " request bodies; send one at a time").with("Retry-After", "1"));
            }
            return readBefore(request.body(), request.contentLength(), clock.millis() + BODY_DEADLINE.toMillis());
        } finally {
            bodiesByUser.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
            bodies.release();
        }
    }

    /** The body through {@link BoundedBody}: 413 over {@value #MAX_BODY_BYTES} bytes, 408 after {@link #BODY_DEADLINE}. */
    private String readBefore(InputStream in, long declared, long deadline) {
        try {
            return new String(BoundedBody.read(in, declared, MAX_BODY_BYTES, deadline, clock), StandardCharsets.UTF_8);
        } catch (BoundedBody.Refused r) {
            throw switch (r.refusal) {
                case TOO_LARGE -> tooLarge();
                case TOO_SLOW -> new BadRequest(Answer.error(408, "request_timeout", "the request body took longer than "
                        + BODY_DEADLINE.toSeconds() + " seconds to arrive"));
                case UNREADABLE -> badRequest("the body could not be read");
            };
        }
    }

    /** 413; the rest of the body stays unread, so {@link #handle} closes the connection. */
    private static BadRequest tooLarge() {
        return new BadRequest(Answer.error(413, "invalid_request", "the request body is larger than " + MAX_BODY_BYTES + " bytes"));
    }

    private static <T> @Nullable T optional(Map<String, Object> body, String field, Class<T> type) {
        Object value = body.get(field);
        if (value == null) return null;
        if (!type.isInstance(value)) throw badRequest("field \"" + field + "\" has the wrong type");
        return type.cast(value);
    }

    private static @Nullable Long whole(Map<String, Object> body, String field) {
        BigDecimal n = optional(body, field, BigDecimal.class);
        if (n == null) return null;
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw badRequest("field \"" + field + "\" must be a whole number");
        }
    }

    private static @Nullable List<String> strings(Map<String, Object> body, String field) {
        List<?> items = optional(body, field, List.class);
        if (items == null) return null;
        List<String> out = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String s)) throw badRequest("field \"" + field + "\" must be a list of strings");
            out.add(s);
        }
        return out;
    }

    private static Map<String, String> query(@Nullable String query) {
        Map<String, String> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) return params;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.putIfAbsent(name, value);
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw badRequest("the query string is not valid");
        }
    }

    // --- answers ---------------------------------------------------------------------------------

    /** A key as the endpoint shows it: never a secret or hash (there is none to show). */
    static Map<String, Object> keyJson(ApiKey k) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("prefix", k.prefix());
        m.put("name", k.name());
        m.put("scopes", k.scopes());
        m.put("created_at", k.createdAt().toString());
        m.put("expires_at", k.expiresAt() == null ? null : k.expiresAt().toString());
        m.put("last_used_at", k.lastUsedAt() == null ? null : k.lastUsedAt().toString());
        m.put("revoked_at", k.revokedAt() == null ? null : k.revokedAt().toString());
        m.put("created_by", k.createdBy());
        UsageLimits l = k.limits();
        Map<String, Object> rate = null;
        if (l.rateLimit() != null) {
            rate = new LinkedHashMap<>();
            rate.put("requests", l.rateLimit().requests());
            rate.put("window_seconds", l.rateLimit().window().toSeconds());
        }
        m.put("rate_limit", rate);
        m.put("credits", l.credits());
        m.put("disabled", k.disabledAt() != null);
        m.put("last_used_ip", k.lastUsedIp());
        m.put("allowed_ips", k.allowedIps() == null ? null : List.of(k.allowedIps().toString().split(",")));
        m.put("metadata", k.metadata() == null ? null : new Json.Raw(k.metadata()));
        return m;
    }

    private static Answer notFound() {
        return Answer.error(404, "not_found", "no such key");
    }


    /** The library's own exceptions always say what was wrong; a bare one at least names its kind. */
    private static String messageOf(RuntimeException e) {
        return Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
    }

    private static BadRequest badRequest(String description) {
        return new BadRequest(Answer.error(400, "invalid_request", description));
    }

    /** Unwinds to {@link #handle} with the answer to give. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Answer answer;

        BadRequest(Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }
}
