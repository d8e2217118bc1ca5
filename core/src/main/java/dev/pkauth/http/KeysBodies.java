package dev.pkauth.http;

import static dev.pkauth.http.KeysEndpoint.MAX_BODIES;
import static dev.pkauth.http.KeysEndpoint.MAX_BODIES_PER_USER;
import static dev.pkauth.http.KeysEndpoint.MAX_BODY_BYTES;

import dev.pkauth.IdempotencyConflictException;
import dev.pkauth.IdempotencyKey;
import dev.pkauth.internal.text.Json;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/**
 * The keys endpoints' request bodies and query strings: bounded in size, time and how many are
 * read at once (per user and in all), parsed strictly, and every refusal as the answer to give.
 */
final class KeysBodies {
    private final Clock clock;
    private final java.time.Duration bodyDeadline;
    private final Semaphore bodies = new Semaphore(MAX_BODIES);
    /** Bodies being read per user; an entry lives only while one is (so at most {@link KeysEndpoint#MAX_BODIES} entries). */
    private final ConcurrentHashMap<String, Integer> bodiesByUser = new ConcurrentHashMap<>();

    KeysBodies(Clock clock, java.time.Duration deadline) {
        this.clock = clock;
        this.bodyDeadline = deadline;
    }

    /** The body as a JSON object ({@code {}} when empty), or a 400/413/415. */
    Map<String, Object> object(Body request, String user, String expected) {
        String text = read(request, user);
        if (text.isBlank()) return Map.of();
        String type = request.contentType() == null ? "" : request.contentType().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.startsWith("application/json;")) {
            throw new BadRequest(new Refusal(415, "unsupported_media_type",
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

    private String read(Body request, String user) {
        if (request.contentLength() > MAX_BODY_BYTES) throw tooLarge();
        if (request.contentLength() == 0
                || (request.contentLength() < 0 && request.transferEncoding() == null)) return "";
        if (!bodies.tryAcquire()) {
            throw new BadRequest(new Refusal(503, "temporarily_unavailable",
                    "too many request bodies are being received; try again shortly", true));
        }
        try {
            if (bodiesByUser.merge(user, 1, Integer::sum) > MAX_BODIES_PER_USER) {
                throw new BadRequest(new Refusal(429, "too_many_requests", "this user is already sending "
                        + MAX_BODIES_PER_USER + " request bodies; send one at a time", true));
            }
            return readBefore(request.body(), request.contentLength(), clock.millis() + bodyDeadline.toMillis());
        } finally {
            bodiesByUser.computeIfPresent(user, (u, n) -> n == 1 ? null : n - 1);
            bodies.release();
        }
    }

    /** The body through {@link BoundedBody}: 413 over {@value KeysEndpoint#MAX_BODY_BYTES} bytes, 408 after {@link KeysEndpoint#BODY_DEADLINE}. */
    private String readBefore(InputStream in, long declared, long deadline) {
        try {
            return new String(BoundedBody.read(in, declared, MAX_BODY_BYTES, deadline, clock), StandardCharsets.UTF_8);
        } catch (BoundedBody.Refused r) {
            throw switch (r.refusal) {
                case TOO_LARGE -> tooLarge();
                case TOO_SLOW -> new BadRequest(new Refusal(408, "request_timeout", "the request body took longer than "
                        + bodyDeadline.toSeconds() + " seconds to arrive"));
                case UNREADABLE -> badRequest("the body could not be read");
            };
        }
    }

    /** 413; the rest of the body stays unread, so {@link KeysEndpoint#handle} closes the connection. */
    private static BadRequest tooLarge() {
        return new BadRequest(new Refusal(413, "invalid_request", "the request body is larger than " + MAX_BODY_BYTES + " bytes"));
    }

    /** 400 naming the first field of {@code body} that is not one of {@code allowed}. */
    static void onlyFields(Map<String, Object> body, java.util.Set<String> allowed, String expected) {
        for (String field : body.keySet()) {
            if (!allowed.contains(field)) throw badRequest("unknown field \"" + field + "\"; expected " + expected);
        }
    }

    static <T> @Nullable T optional(Map<String, Object> body, String field, Class<T> type) {
        Object value = body.get(field);
        if (value == null) return null;
        if (!type.isInstance(value)) throw badRequest("field \"" + field + "\" has the wrong type");
        return type.cast(value);
    }

    static @Nullable Long whole(Map<String, Object> body, String field) {
        BigDecimal n = optional(body, field, BigDecimal.class);
        if (n == null) return null;
        try {
            return n.longValueExact();
        } catch (ArithmeticException e) {
            throw badRequest("field \"" + field + "\" must be a whole number");
        }
    }

    static @Nullable List<String> strings(Map<String, Object> body, String field) {
        List<?> items = optional(body, field, List.class);
        if (items == null) return null;
        List<String> out = new ArrayList<>(items.size());
        for (Object item : items) {
            if (!(item instanceof String s)) throw badRequest("field \"" + field + "\" must be a list of strings");
            out.add(s);
        }
        return out;
    }

    static Map<String, String> query(@Nullable String query) {
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

    /** The parts of a request that carry its body. */
    record Body(@Nullable String contentType, long contentLength, @Nullable String transferEncoding, InputStream body) {}

    /** A refusal to answer in the endpoints' JSON; {@code retry} adds {@code Retry-After: 1}. */
    record Refusal(int status, String error, String description, boolean retry) {
        Refusal(int status, String error, String description) {
            this(status, error, description, false);
        }
    }

    static BadRequest badRequest(String description) {
        return new BadRequest(new Refusal(400, "invalid_request", description));
    }

    /** Unwinds to {@link KeysEndpoint#handle} with the answer to give. */
    static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Refusal refusal;

        BadRequest(Refusal refusal) {
            super(null, null, false, false);
            this.refusal = refusal;
        }
    }

    /**
     * A request's {@code Idempotency-Key} with what it asks (method, path and body as parsed), or
     * {@code null} without one; a malformed key is a 400.
     */
    static @Nullable IdempotencyKey idempotencyKey(@Nullable String header, String method, String path, Map<String, Object> body) {
        if (header == null) return null;
        try {
            return new IdempotencyKey(header, method + " " + path + " " + Json.write(body));
        } catch (IllegalArgumentException e) {
            throw badRequest("Idempotency-Key: " + e.getMessage());
        }
    }

    /** 409 for an idempotency key used for another request, or whose first request is still being served (retry in a second). */
    static BadRequest conflict(IdempotencyConflictException e) {
        return new BadRequest(new Refusal(409, e.inProgress() ? "idempotency_key_in_use" : "idempotency_key_reused",
                String.valueOf(e.getMessage()), e.inProgress()));
    }
}
