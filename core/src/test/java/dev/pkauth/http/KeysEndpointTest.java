package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The self-service rules, framework-free, on the in-memory store (the examples run them over HTTP on both databases). */
class KeysEndpointTest {
    final ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("endpoint-test-pepper-0123456789abcdef").build();
    final KeysEndpoint endpoint = new KeysEndpoint(store, "api", "/keys/");

    @AfterEach
    void close() {
        store.close();
    }

    ApiKeyPrincipal caller(String... scopes) {
        return store.create("alice", "caller", List.of(scopes), null).key().toPrincipal();
    }

    KeysEndpoint.Answer call(String method, String path, String query, String contentType, String body, ApiKeyPrincipal caller) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return endpoint.handle(new KeysEndpoint.Request(method, path, query, contentType, body == null ? -1 : bytes.length,
                null, new ByteArrayInputStream(bytes), caller));
    }

    @Test
    void anIdempotencyKeyRepeatAnswersTheSameKeyWithoutItsToken() {
        ApiKeyPrincipal writer = caller("keys:write", "docs:read");
        String body = "{\"name\":\"iac\",\"scopes\":[\"docs:read\"]}";
        KeysEndpoint.Answer[] answers = new KeysEndpoint.Answer[3];
        for (int i = 0; i < 3; i++) {
            String b = i < 2 ? body : "{\"name\":\"other\"}";
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            answers[i] = endpoint.handle(new KeysEndpoint.Request("POST", "", null, "application/json", bytes.length, null,
                    new ByteArrayInputStream(bytes), writer, null, "tf-apply-7"));
        }
        assertThat(answers[0].status()).as(answers[0].body()).isEqualTo(201);
        assertThat(answers[1].status()).as(answers[1].body()).isEqualTo(200);
        assertThat(answers[1].body()).contains("\"replayed\":true").doesNotContain("\"token\"");
        assertThat(answers[1].headers().get("Location")).isEqualTo(answers[0].headers().get("Location"));
        assertThat(answers[2].status()).isEqualTo(409);
        assertThat(answers[2].body()).contains("idempotency_key_reused");
        assertThat(store.list("alice")).hasSize(2);
    }

    @Test
    void withoutACallerEverythingIs401WithABareChallenge() {
        KeysEndpoint.Answer a = call("GET", "", null, null, null, null);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"api\"");
    }

    @Test
    void writesNeedKeysWriteAndSayWhichScope() {
        ApiKeyPrincipal reader = caller("docs:read");
        for (String[] r : new String[][] {{"POST", ""}, {"DELETE", "/" + reader.keyId()}, {"PATCH", "/" + reader.keyId()}}) {
            KeysEndpoint.Answer a = call(r[0], r[1], null, "application/json", "{}", reader);
            assertThat(a.status()).as(r[0]).isEqualTo(403);
            assertThat(a.headers().get("WWW-Authenticate")).as(r[0]).endsWith("scope=\"keys:write\"");
        }
        assertThat(call("POST", "", null, "application/json", "{}", reader).headers())
                .as("the body was left unread: the connection cannot be reused").containsEntry("Connection", "close");
        assertThat(call("GET", "/" + reader.keyId(), null, null, null, reader).status()).as("reading needs no scope").isEqualTo(200);
        assertThat(call("GET", "/" + reader.keyId(), null, null, null, reader).headers()).doesNotContainKey("Connection");
    }

    @Test
    void createAnswers201WithALocationThatResolvesAndHeadHasNoBody() {
        ApiKeyPrincipal writer = caller("keys:write", "docs:read");
        KeysEndpoint.Answer created = call("POST", "/", null, "application/json; charset=utf-8",
                "{\"name\":\"ci\",\"scopes\":[\"docs:read\"],\"rate_limit\":{\"requests\":5,\"window_seconds\":60},\"credits\":9}", writer);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String location = created.headers().get("Location");
        assertThat(location).startsWith("/keys/key_");
        assertThat(created.body()).contains("\"token\":\"pk.key_", "\"rate_limit\":{\"requests\":5,\"window_seconds\":60}", "\"credits\":9");
        KeysEndpoint.Answer shown = call("GET", location.substring("/keys".length()), null, null, null, writer);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.body()).doesNotContain("token").contains("\"name\":\"ci\"");
        assertThat(call("HEAD", "", null, null, null, writer).status()).isEqualTo(200);
    }

    @Test
    void badInputIs400NamingTheFieldAnd415ForAnotherMediaType() {
        ApiKeyPrincipal writer = caller("keys:write");
        assertThat(call("POST", "", null, "application/json", "{\"rate_limit\":{\"requests\":5,\"per\":60}}", writer).body())
                .contains("unknown field \\\"rate_limit.per\\\"");
        assertThat(call("POST", "", null, "application/json", "{\"credits\":1.5}", writer).body())
                .contains("field \\\"credits\\\" must be a whole number");
        assertThat(call("POST", "", null, "application/json", "{\"allowed_ips\":[1]}", writer).status()).isEqualTo(400);
        assertThat(call("POST", "", null, "text/plain", "{}", writer).status()).isEqualTo(415);
        assertThat(call("POST", "", null, null, "{}", writer).status()).as("a body needs its type").isEqualTo(415);
        assertThat(call("POST", "", null, null, null, writer).status()).as("no body is {}").isEqualTo(201);
        assertThat(call("GET", "", "limit=x", null, null, writer).status()).isEqualTo(400);
        assertThat(call("GET", "", "limit=%zz", null, null, writer).status()).isEqualTo(400);
        assertThat(call("PATCH", "/" + writer.keyId(), null, "application/json", "{\"disabled\":1}", writer).status()).isEqualTo(400);
        assertThat(call("GET", "/a/b", null, null, null, writer).status()).isEqualTo(404);
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413AndClosesWithoutReadingIt() {
        ApiKeyPrincipal writer = caller("keys:write");
        KeysEndpoint.Answer a = endpoint.handle(new KeysEndpoint.Request("POST", "", null, "application/json",
                KeysEndpoint.MAX_BODY_BYTES + 1, null, new ByteArrayInputStream(new byte[0]) {
                    @Override
                    public synchronized int read(byte[] b, int off, int len) {
                        throw new AssertionError("the body was read");
                    }
                }, writer));
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.headers()).containsEntry("Connection", "close");
    }

    @Test
    void anotherUsersKeyIsIndistinguishableFromNone() {
        IssuedKey bobs = store.create("bob", null, List.of(), null);
        ApiKeyPrincipal alice = caller("keys:write");
        KeysEndpoint.Answer foreign = call("DELETE", "/" + bobs.key().id(), null, null, null, alice);
        KeysEndpoint.Answer unknown = call("DELETE", "/key_" + "Z".repeat(32), null, null, null, alice);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).isEqualTo(unknown.body());
        assertThat(store.find(bobs.key().id()).orElseThrow().revokedAt()).isNull();
    }

    /** A client sending its body a byte at a time, each byte taking a second of the endpoint's clock. */
    @Test
    void aBodyStillArrivingAfterTheDeadlineIs408AndClosesTheConnection() {
        dev.pkauth.testing.MutableClock clock = dev.pkauth.testing.MutableClock.startingAt("2026-01-01T00:00:00Z");
        KeysEndpoint timed = new KeysEndpoint(store, "api", "/keys", clock);
        ApiKeyPrincipal writer = caller("keys:write");
        byte[] body = "{\"name\":\"slow-slow-slow-slow-slow\"}".getBytes(StandardCharsets.UTF_8);
        java.io.InputStream trickle = new java.io.InputStream() {
            int next;

            @Override
            public int read() {
                if (next == body.length) return -1;
                clock.advance(java.time.Duration.ofSeconds(1));
                return body[next++];
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int c = read();
                if (c < 0) return -1;
                b[off] = (byte) c;
                return 1;
            }
        };
        int before = store.list("alice").size();

        KeysEndpoint.Answer a = timed.handle(new KeysEndpoint.Request("POST", "", null, "application/json", body.length, null,
                trickle, writer));

        assertThat(a.status()).as(a.body()).isEqualTo(408);
        assertThat(a.body()).contains("\"error\":\"request_timeout\"", "10 seconds");
        assertThat(a.headers()).containsEntry("Connection", "close");
        assertThat(store.list("alice")).hasSize(before);
    }

    /** A body that blocks until released, telling when the endpoint started reading it. */
    static final class HeldBody extends java.io.InputStream {
        final java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.io.InputStream rest;

        HeldBody(String body) {
            rest = new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return rest.read(b, off, len);
        }
    }

    static final String HELD = "{\"name\":\"held\"}";

    /** POSTs whose bodies the endpoint is reading, held until {@link #release}; each on a thread of its own. */
    final class HeldPosts implements AutoCloseable {
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        final List<HeldBody> held = new java.util.ArrayList<>();
        final List<java.util.concurrent.Future<KeysEndpoint.Answer>> answers = new java.util.ArrayList<>();

        /** Starts a POST by {@code caller} and returns once the endpoint is reading its body. */
        void hold(ApiKeyPrincipal caller) throws InterruptedException {
            HeldBody h = new HeldBody(HELD);
            held.add(h);
            answers.add(pool.submit(() -> endpoint.handle(new KeysEndpoint.Request("POST", "", null, "application/json",
                    HELD.length(), null, h, caller))));
            assertThat(h.reading.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }

        /** Lets every held body arrive; each POST then creates its key. */
        void release() throws Exception {
            for (HeldBody h : held) h.release.countDown();
            for (var f : answers) assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(201);
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    @Test
    void aUserSendingManyBodiesAtOnceIsRefusedWithoutReadingThemAndOthersAreNot() throws Exception {
        ApiKeyPrincipal alice = caller("keys:write");
        ApiKeyPrincipal bob = store.create("bob", "caller", List.of("keys:write"), null).key().toPrincipal();
        try (HeldPosts posts = new HeldPosts()) {
            for (int i = 0; i < KeysEndpoint.MAX_BODIES_PER_USER; i++) posts.hold(alice);
            HeldBody third = new HeldBody(HELD);
            KeysEndpoint.Answer refused = endpoint.handle(new KeysEndpoint.Request("POST", "", null, "application/json",
                    HELD.length(), null, third, alice));
            assertThat(refused.status()).as(refused.body()).isEqualTo(429);
            assertThat(refused.body()).contains("\"error\":\"too_many_requests\"");
            assertThat(refused.headers()).containsEntry("Retry-After", "1").containsEntry("Connection", "close");
            assertThat(third.reading.getCount()).as("its body was never read").isEqualTo(1);

            assertThat(call("POST", "", null, "application/json", HELD, bob).status()).as("another user").isEqualTo(201);
            assertThat(call("GET", "", null, null, null, alice).status()).as("a request without a body").isEqualTo(200);

            posts.release();
            assertThat(call("POST", "", null, "application/json", HELD, alice).status()).as("slots given back").isEqualTo(201);
        }
    }

    @Test
    void allUsersTogetherSendAtMostMaxBodiesAtOnce() throws Exception {
        try (HeldPosts posts = new HeldPosts()) {
            for (int i = 0; i < KeysEndpoint.MAX_BODIES; i++) {
                posts.hold(store.create("user" + i, null, List.of("keys:write"), null).key().toPrincipal());
            }
            ApiKeyPrincipal late = store.create("late", null, List.of("keys:write"), null).key().toPrincipal();
            KeysEndpoint.Answer busy = call("POST", "", null, "application/json", HELD, late);
            assertThat(busy.status()).as(busy.body()).isEqualTo(503);
            assertThat(busy.headers()).containsEntry("Retry-After", "1");

            posts.release();
            assertThat(call("POST", "", null, "application/json", HELD, late).status()).isEqualTo(201);
        }
    }
}
