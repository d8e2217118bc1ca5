package dev.pkauth.http;

import static dev.pkauth.http.KeysBodies.badRequest;
import static dev.pkauth.http.KeysBodies.onlyFields;
import static dev.pkauth.http.KeysBodies.optional;
import static dev.pkauth.http.KeysBodies.query;
import static dev.pkauth.http.KeysBodies.strings;
import static dev.pkauth.http.KeysBodies.whole;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IdempotencyConflictException;
import dev.pkauth.IdempotencyKey;
import dev.pkauth.IdempotentMints;
import dev.pkauth.IpAllowlist;
import dev.pkauth.IssueResult;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeyLimitExceededException;
import dev.pkauth.KeyPage;
import dev.pkauth.KeySpec;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.UsageLimits;
import dev.pkauth.internal.text.Json;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Self-service key management over HTTP, framework-free: a caller lists, shows, creates, disables
 * and revokes its own user's keys. The Servlet, JAX-RS and Spring adapters mount it at a path of
 * the host's choosing behind pkauth's authentication, and only translate requests and answers.
 *
 * <p>The rules, here once: everyone with a key may list and show their own keys; creating,
 * changing, rotating and revoking need {@value #WRITE_SCOPE}; a key mints only keys weaker and
 * shorter-lived than itself, which die with it (the store's lineage rules), and rotates only itself
 * and the keys it minted; another user's key answers 404, as an unknown one does. Every answer,
 * errors included, is JSON with {@code Cache-Control: no-store}.
 *
 * <p>The host's signed-in user ({@link SessionCaller}) may do the same with their own keys:
 * reads as they are; every write only with an {@link OriginProof} that holds (else 403
 * {@code {"error":"csrf"}}, and nothing changes), and creation and rotation only within the
 * {@link SessionGrant} the host gives that user (no scope beyond it, no lifetime beyond its
 * maximum, the grant's limits). A key minted on a session has no parent; the audit log records
 * {@code user:<id>} as its actor. The list answer then also says what the user may grant
 * ({@code "grant":{"scopes":[…],"max_expires_in_seconds":N}}), for the page.
 *
 * <table>
 *   <caption>Routes, relative to the mount path</caption>
 *   <tr><th>request</th><th>answer</th></tr>
 *   <tr><td>{@code GET ?limit=&after=}</td><td>200 {@code {"keys":[…],"next":cursor|null}}, newest first</td></tr>
 *   <tr><td>{@code POST {"name","scopes","expires_in_seconds","rate_limit","credits","metadata","allowed_ips"}}</td>
 *       <td>201 {@code {"token":…,"key":{…}}} with {@code Location}; the token is shown only here</td></tr>
 *   <tr><td>{@code GET /{id}}</td><td>200 the key</td></tr>
 *   <tr><td>{@code PATCH /{id} {"disabled":true|false}}</td><td>200 the key</td></tr>
 *   <tr><td>{@code POST /{id}/rotate {"overlap_seconds":N}}</td>
 *       <td>201 {@code {"token":…,"key":{…}}}: the successor; the old key works N more seconds (0: ends now)</td></tr>
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
    private static final String EXPECTED_ROTATE = "{\"overlap_seconds\":N}";
    /** The longest two tokens of one key may both work after a rotation. */
    static final long MAX_OVERLAP_SECONDS = 30L * 24 * 3600;
    private static final String EXPECTED_CHANGE = "{\"disabled\":true|false}";
    private static final Set<String> NEW_FIELDS =
            Set.of("name", "scopes", "expires_in_seconds", "rate_limit", "credits", "metadata", "allowed_ips");

    private final ApiKeyStore store;
    private final String realm;
    private final String mountPath;
    private final Clock clock;
    private final Answer missingKey;
    private final Answer needsWriteScope;
    private final KeysBodies bodies;

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
        this.bodies = new KeysBodies(clock, BODY_DEADLINE);
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
     * @param session the host's signed-in user when the request carried no key, or {@code null}
     * @param idempotencyKey the {@code Idempotency-Key} header, or {@code null}
     */
    public record Request(String method, String path, @Nullable String query, @Nullable String contentType, long contentLength,
            @Nullable String transferEncoding, InputStream body, @Nullable ApiKeyPrincipal caller,
            @Nullable SessionCaller session, @Nullable String idempotencyKey) {
        /**
         * A request without an idempotency key.
         *
         * @param method the HTTP method
         * @param path the path below the mount path
         * @param query the raw query string, or {@code null}
         * @param contentType the {@code Content-Type} header, or {@code null}
         * @param contentLength the declared length, or -1
         * @param transferEncoding the {@code Transfer-Encoding} header, or {@code null}
         * @param body the body
         * @param caller the authenticated key, or {@code null}
         * @param session the host's signed-in user when the request carried no key, or {@code null}
         */
        public Request(String method, String path, @Nullable String query, @Nullable String contentType, long contentLength,
                @Nullable String transferEncoding, InputStream body, @Nullable ApiKeyPrincipal caller,
                @Nullable SessionCaller session) {
            this(method, path, query, contentType, contentLength, transferEncoding, body, caller, session, null);
        }

        /**
         * A request authenticated by a key, or by nothing.
         *
         * @param method the HTTP method
         * @param path the path below the mount path
         * @param query the raw query string, or {@code null}
         * @param contentType the {@code Content-Type} header, or {@code null}
         * @param contentLength the declared length, or -1
         * @param transferEncoding the {@code Transfer-Encoding} header, or {@code null}
         * @param body the body
         * @param caller the authenticated key, or {@code null}
         */
        public Request(String method, String path, @Nullable String query, @Nullable String contentType, long contentLength,
                @Nullable String transferEncoding, InputStream body, @Nullable ApiKeyPrincipal caller) {
            this(method, path, query, contentType, contentLength, transferEncoding, body, caller, null, null);
        }
    }

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
                request.contentLength(), request.transferEncoding(), body, request.caller(), request.session(),
                request.idempotencyKey());
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
        ApiKeyPrincipal key = request.caller();
        // A request that presented a key acts as that key, even from a signed-in browser.
        SessionCaller session = key == null ? request.session() : null;
        if (key == null && session == null) return missingKey;
        String user = key != null ? key.userId() : Objects.requireNonNull(session).userId();
        String path = request.path() == null ? "" : request.path();
        String method = request.method().toUpperCase(Locale.ROOT);
        try {
            if (path.isEmpty() || path.equals("/")) {
                return switch (method) {
                    case "GET", "HEAD" -> list(user, session, request.query());
                    case "POST" -> orElse(refuseWrite(key, session), () -> create(key, session, user, request));
                    default -> Answer.methodNotAllowed("GET, HEAD, POST");
                };
            }
            String rest = path.substring(1);
            boolean rotate = rest.endsWith("/rotate");
            String id = rotate ? rest.substring(0, rest.length() - "/rotate".length()) : rest;
            if (path.charAt(0) != '/' || id.isEmpty() || id.indexOf('/') >= 0) return notFound();
            // Someone else's key is indistinguishable from no key at all.
            ApiKey found = store.find(id).filter(k -> k.userId().equals(user)).orElse(null);
            if (rotate) {
                if (!method.equals("POST")) return Answer.methodNotAllowed("POST");
                return orElse(refuseWrite(key, session), () -> found == null ? notFound() : rotate(key, session, found, request));
            }
            return switch (method) {
                case "GET", "HEAD" -> found == null ? notFound() : Answer.json(200, keyJson(found));
                case "DELETE" -> orElse(refuseWrite(key, session), () -> found == null ? notFound() : revoke(user, id));
                case "PATCH" -> orElse(refuseWrite(key, session), () -> found == null ? notFound() : change(user, id, request));
                default -> Answer.methodNotAllowed("GET, HEAD, PATCH, DELETE");
            };
        } catch (KeysBodies.BadRequest e) {
            KeysBodies.Refusal r = e.refusal;
            Answer a = Answer.error(r.status(), r.error(), r.description());
            return r.retry() ? a.with("Retry-After", "1") : a;
        } catch (StoreUnavailableException e) {
            return Answer.of(AuthFailure.storeFailure(e));
        }
    }

    private static KeysBodies.Body bodyOf(Request r) {
        return new KeysBodies.Body(r.contentType(), r.contentLength(), r.transferEncoding(), r.body());
    }

    private static Answer orElse(@Nullable Answer refusal, java.util.function.Supplier<Answer> action) {
        return refusal != null ? refusal : action.get();
    }

    /** Why this caller may not change keys, or {@code null} when it may. */
    private @Nullable Answer refuseWrite(@Nullable ApiKeyPrincipal key, @Nullable SessionCaller session) {
        if (key != null) return key.hasScope(WRITE_SCOPE) ? null : needsWriteScope;
        String refusal = Objects.requireNonNull(session).proof().refusal();
        return refusal == null ? null : Answer.error(403, "csrf", refusal);
    }

    private Answer list(String user, @Nullable SessionCaller session, @Nullable String query) {
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
            page = store.list(user, false, limit, params.get("after"));
        } catch (IllegalArgumentException e) {
            throw badRequest(messageOf(e));
        }
        List<Object> keys = new ArrayList<>();
        for (ApiKey k : page.keys()) keys.add(keyJson(k));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("keys", keys);
        out.put("next", page.next());
        if (session != null) {
            Map<String, Object> grant = new LinkedHashMap<>();
            grant.put("scopes", List.copyOf(session.grant().scopes()));
            grant.put("max_expires_in_seconds", session.grant().maxLifetime().toSeconds());
            out.put("grant", grant);
        }
        return Answer.json(200, out);
    }

    private Answer create(@Nullable ApiKeyPrincipal key, @Nullable SessionCaller session, String user, Request request) {
        Map<String, Object> body = bodies.object(bodyOf(request), user, EXPECTED_NEW);
        onlyFields(body, NEW_FIELDS, EXPECTED_NEW);
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
        if (session != null) {
            SessionGrant grant = session.grant();
            if (scopes != null && !grant.scopes().containsAll(scopes)) {
                return Answer.error(403, "insufficient_scope", "you may grant only these scopes: " + String.join(" ", grant.scopes()));
            }
            Instant longest = clock.instant().plus(grant.maxLifetime());
            if (expiresAt == null) expiresAt = longest;
            else if (expiresAt.isAfter(longest)) {
                throw badRequest("expires_in_seconds may be at most " + grant.maxLifetime().toSeconds() + " here");
            }
            if (body.containsKey("rate_limit") || body.containsKey("credits")) {
                return Answer.error(403, "insufficient_scope", "this service sets the limits of keys made here");
            }
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
            IdempotencyKey idem = KeysBodies.idempotencyKey(request.idempotencyKey(), request.method(), request.path(), body);
            ApiKeyStore holder = store.forKeyHolder(user);
            if (key == null) {
                UsageLimits granted = Objects.requireNonNull(session).grant().limits();
                if (granted != null) spec = spec.limits(granted);
            }
            if (idem != null) {
                IdempotentMints once = holder.withIdempotencyKey(idem);
                return answer(key != null ? once.create(key, spec) : once.create(user, spec));
            }
            issued = key != null ? holder.create(key, spec) : holder.create(user, spec);
        } catch (IdempotencyConflictException e) {
            throw KeysBodies.conflict(e);
        } catch (SecurityException e) {
            return Answer.error(403, "insufficient_scope", messageOf(e));
        } catch (KeyLimitExceededException e) {
            return Answer.error(409, "too_many_keys", messageOf(e));
        } catch (IllegalStateException e) { // the caller's key was revoked or disabled meanwhile
            return Answer.error(409, "conflict", messageOf(e));
        } catch (IllegalArgumentException e) {
            throw badRequest(messageOf(e));
        }
        return minted(issued);
    }

    /**
     * A key rotates itself and the keys it minted, nothing stronger (a successor's token is the old
     * key's power); a session rotates its user's keys within what it may grant.
     */
    private Answer rotate(@Nullable ApiKeyPrincipal key, @Nullable SessionCaller session, ApiKey old, Request request) {
        Map<String, Object> body = bodies.object(bodyOf(request), old.userId(), EXPECTED_ROTATE);
        onlyFields(body, Set.of("overlap_seconds"), EXPECTED_ROTATE);
        Long overlap = whole(body, "overlap_seconds");
        if (overlap != null && (overlap < 0 || overlap > MAX_OVERLAP_SECONDS)) {
            throw badRequest("overlap_seconds must be between 0 and " + MAX_OVERLAP_SECONDS);
        }
        if (key != null && !old.id().equals(key.keyId()) && !key.keyId().equals(old.createdBy())) {
            return Answer.error(403, "insufficient_scope", "a key may rotate only itself and the keys it minted");
        }
        if (session != null && !session.grant().scopes().containsAll(old.scopes())) {
            return Answer.error(403, "insufficient_scope", "this key holds scopes you may not grant; ask an administrator to rotate it");
        }
        IdempotencyKey idem = KeysBodies.idempotencyKey(request.idempotencyKey(), request.method(), request.path(), body);
        ApiKeyStore holder = store.forKeyHolder(old.userId());
        Duration lap = Duration.ofSeconds(overlap == null ? 0 : overlap);
        // With an idempotency key, a repeat of a rotation that revoked the key still answers its successor.
        Optional<IssueResult> made;
        try {
            made = idem != null ? holder.withIdempotencyKey(idem).rotate(old.id(), lap)
                    : old.revokedAt() != null ? Optional.empty() : holder.rotate(old.id(), lap).map(k -> new IssueResult(k.key(), k));
        } catch (IdempotencyConflictException e) {
            throw KeysBodies.conflict(e);
        }
        if (made.isPresent()) return answer(made.get());
        return old.revokedAt() != null ? Answer.error(409, "conflict", "a revoked key cannot be rotated") : notFound();
    }

    /** A first call's 201 with the token; a repeat's 200 with the key only, and how to get a token again. */
    private Answer answer(IssueResult r) {
        if (!r.replayed()) return minted(Objects.requireNonNull(r.issued()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("replayed", true);
        out.put("key", keyJson(r.key()));
        out.put("message", "this Idempotency-Key already made this key; its token was shown once, in the first answer."
                + " To get a new token, rotate it: POST " + mountPath + "/" + r.key().id() + "/rotate");
        return Answer.json(200, out).with("Location", mountPath + "/" + r.key().id());
    }


    /** 201 with the token (shown only here) and the key, at its {@code Location}: a mint and a rotation alike. */
    private Answer minted(IssuedKey issued) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", issued.token());
        out.put("key", keyJson(issued.key()));
        return Answer.json(201, out).with("Location", mountPath + "/" + issued.key().id());
    }

    private Answer revoke(String user, String id) {
        store.forKeyHolder(user).revoke(id);
        return new Answer(204, Map.of("Cache-Control", "no-store"), "");
    }

    private Answer change(String user, String id, Request request) {
        Map<String, Object> body = bodies.object(bodyOf(request), user, EXPECTED_CHANGE);
        if (body.size() != 1 || !(body.get("disabled") instanceof Boolean disabled)) {
            throw badRequest("expected " + EXPECTED_CHANGE);
        }
        ApiKeyStore acting = store.forKeyHolder(user);
        if (disabled) acting.disable(id);
        else acting.enable(id);
        return acting.find(id).map(k -> Answer.json(200, keyJson(k))).orElseGet(KeysEndpoint::notFound);
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
        // The key holder learns that they minted it, not which operator did (cli:<os user>…).
        String holder = "user:" + k.userId();
        m.put("created_actor", k.createdActor() == null ? null : holder.equals(k.createdActor()) ? holder : "service");
        m.put("rotated_to", k.rotatedTo());
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
        m.put("status", k.statusAt(Instant.now()).name().toLowerCase(Locale.ROOT));
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

}
