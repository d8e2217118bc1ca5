package dev.pkauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The self-service key endpoints ({@code dev.pkauth.http.KeysEndpoint}) as each adapter mounts
 * them, over real HTTP: a deployment serves them at {@code /keys}, behind pkauth, realm
 * {@value #REALM}. Every answer is JSON, whatever the framework would have said by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class KeysHttpContract {
    protected static final String REALM = "api";

    protected Path dir;
    protected ApiKeyStore store;
    protected URI base;

    /** Starts the deployment with the keys endpoints at {@code /keys} in front of {@code store}. */
    protected abstract URI start(ApiKeyStore store) throws Exception;

    protected abstract void stop() throws Exception;

    @BeforeAll
    void startDeployment() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("pkauth-keys-http-");
        store = ApiKeyStore.builder().jdbcUrl(Backend.sqliteUrl(dir)).pepper("keys-http-contract").build();
        base = start(store);
    }

    @AfterAll
    void stopDeployment() throws Exception {
        stop();
        store.close();
        RawHttp.from(null);
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void aClientOfItsOwn() {
        RawHttp.from(HttpContract.newClient());
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    private String writer(String user) {
        return store.create(user, "writer", List.of("keys:write", "docs:read"), null).token();
    }

    private static void assertJson(RawHttp.Response r, int status, String error) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body()).contains("\"error\":\"" + error + "\"");
    }

    @Test
    void withoutAKeyTheCollectionIs401WithAChallenge() {
        RawHttp.Response r = RawHttp.get(base, "/keys");
        assertJson(r, 401, "unauthorized");
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
    }

    @Test
    void aCreatedKeysLocationResolvesToItAndItIsTheCallersChild() {
        String token = writer("alice");
        RawHttp.Response created = RawHttp.request(base, "POST", "/keys", "{\"name\":\"ci\",\"scopes\":[\"docs:read\"]}",
                bearer(token));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.body()).contains("\"token\":\"pk.key_");
        // Relative, or made absolute by the framework (JAX-RS does): either resolves against the request.
        URI location = base.resolve(created.header("Location"));
        assertThat(location.getPath()).startsWith("/keys/key_");
        assertThat(location.getAuthority()).isEqualTo(base.getAuthority());

        RawHttp.Response shown = RawHttp.get(base, location.getPath(), bearer(token));

        assertThat(shown.status()).as(shown.toString()).isEqualTo(200);
        assertThat(shown.body()).contains("\"name\":\"ci\"", "\"created_by\":\"" + token.substring(3, 39) + "\"")
                .doesNotContain("\"token\"");
    }

    @Test
    void aScopeTheCallerLacksIsNeverGranted() {
        RawHttp.Response r = RawHttp.request(base, "POST", "/keys", "{\"scopes\":[\"admin\"]}", bearer(writer("alice")));
        assertJson(r, 403, "insufficient_scope");
        assertThat(store.list("alice")).noneMatch(k -> k.scopes().contains("admin"));
    }

    @Test
    void withoutKeysWriteCreatingIs403NamingTheScope() {
        String reader = store.create("alice", "reader", List.of("docs:read"), null).token();
        RawHttp.Response r = RawHttp.request(base, "POST", "/keys", "{}", bearer(reader));
        assertJson(r, 403, "insufficient_scope");
        assertThat(r.header("WWW-Authenticate")).contains("scope=\"keys:write\"");
    }

    @Test
    void anotherUsersKeyAndAnUnknownPathAre404Json() {
        String bobs = store.create("bob", null, List.of(), null).key().id();
        String token = writer("alice");
        assertJson(RawHttp.get(base, "/keys/" + bobs, bearer(token)), 404, "not_found");
        assertJson(RawHttp.request(base, "DELETE", "/keys/" + bobs, null, bearer(token)), 404, "not_found");
        assertJson(RawHttp.get(base, "/keys/a/b", bearer(token)), 404, "not_found");
        assertThat(store.find(bobs).orElseThrow().revokedAt()).as("bob's key untouched").isNull();
    }

    @Test
    void numbersBeyondAnyWindowAre400NotOverflow() {
        String token = writer("erin");
        for (String window : List.of("9223372036854775807", "31708800", "0")) {
            RawHttp.Response r = RawHttp.request(base, "POST", "/keys",
                    "{\"rate_limit\":{\"requests\":5,\"window_seconds\":" + window + "}}", bearer(token));
            assertJson(r, 400, "invalid_request");
        }
        RawHttp.Response year = RawHttp.request(base, "POST", "/keys",
                "{\"rate_limit\":{\"requests\":5,\"window_seconds\":31622400}}", bearer(token));
        assertThat(year.status()).as("366 days is the longest window").isEqualTo(201);
    }

    @Test
    void aUserIdOfTheLongestAllowedLengthCanManageItsKeys() {
        String user = "u".repeat(255);
        String token = writer(user);
        String id = store.create(user, "other", List.of(), null).key().id();
        RawHttp.Response patched = RawHttp.request(base, "PATCH", "/keys/" + id, "{\"disabled\":true}", bearer(token));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(RawHttp.request(base, "DELETE", "/keys/" + id, null, bearer(token)).status()).isEqualTo(204);
    }

    @Test
    void anOperatorsSuspensionIsNotLiftedByTheCustomersOtherKey() {
        String token = writer("frank");
        dev.pkauth.IssuedKey suspended = store.create("frank", "suspended", List.of(), null);
        store.withActor("support:bob").disable(suspended.key().id());

        RawHttp.Response r = RawHttp.request(base, "PATCH", "/keys/" + suspended.key().id(), "{\"disabled\":false}",
                bearer(token));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).contains("\"disabled\":true");
        assertThat(store.verify(suspended.token()).isValid()).isFalse();

        String own = store.create("frank", "own", List.of(), null).key().id();
        assertThat(RawHttp.request(base, "PATCH", "/keys/" + own, "{\"disabled\":true}", bearer(token)).body())
                .contains("\"disabled\":true");
        assertThat(RawHttp.request(base, "PATCH", "/keys/" + own, "{\"disabled\":false}", bearer(token)).body())
                .as("the customer's own disable they may undo").contains("\"disabled\":false");
    }

    /** A POST whose head and first byte are sent, the rest of its body held back until {@link #finish}. */
    private java.net.Socket startUpload(String token, String body) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort());
        s.setSoTimeout(30_000);
        String head = "POST " + base.getPath().replaceAll("/$", "") + "/keys HTTP/1.1\r\nHost: " + base.getHost() + ":"
                + base.getPort() + "\r\nConnection: close\r\n" + bearer(token) + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body.charAt(0);
        s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** For a failure's message: whether each slow upload was answered already (it should still be waiting). */
    private static String whatTheSlowUploadsGot(List<java.net.Socket> slow) {
        StringBuilder b = new StringBuilder("slow uploads:");
        for (java.net.Socket s : slow) {
            try {
                s.setSoTimeout(200);
                byte[] got = s.getInputStream().readNBytes(s.getInputStream().available());
                b.append(got.length == 0 ? " [no answer yet]" : " [" + new String(got, java.nio.charset.StandardCharsets.ISO_8859_1)
                        .lines().findFirst().orElse("") + "]");
            } catch (java.io.IOException e) {
                b.append(" [").append(e).append(']');
            }
        }
        return b.toString();
    }

    /** For a failure's message: the stacks of this JVM's threads that are inside pkauth (the deployment runs here). */
    private static String pkauthThreads() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (java.util.Arrays.stream(stack).noneMatch(f -> f.getClassName().startsWith("dev.pkauth.")
                    && !f.getClassName().startsWith("dev.pkauth.testing."))) return;
            b.append(t.getName()).append(" ").append(t.getState()).append('\n');
            for (int i = 0; i < Math.min(stack.length, 25); i++) b.append("    at ").append(stack[i]).append('\n');
        });
        return b.toString();
    }

    private static RawHttp.Response finish(java.net.Socket s, String body) throws java.io.IOException {
        s.getOutputStream().write(body.substring(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return RawHttp.parse(s.getInputStream().readAllBytes());
    }

    /**
     * A key holder's slow uploads hold at most two threads: with two bodies of one user still
     * arriving, that user's next body is refused at once (429, unread, connection closed) while
     * another user's is served; the two complete normally when their bytes come.
     */
    @Test
    void aKeyHoldersSlowUploadsHoldAtMostTwoRequestsWhileOthersAreServed() throws Exception {
        String slowpoke = writer("slowpoke");
        String body = "{\"name\":\"slow\"}";
        List<java.net.Socket> slow = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < dev.pkauth.http.KeysEndpoint.MAX_BODIES_PER_USER; i++) slow.add(startUpload(slowpoke, body));
            RawHttp.Response[] third = new RawHttp.Response[1];
            // Until both slow bodies are being read, a third body is read too: probe with one that is
            // not JSON (400, nothing made, so no cap is reached however long the wait); then it is
            // refused unread (429). A probe can win the race for a slot against a slow upload still
            // on its way, which the endpoint then rightly refuses: that upload is started again.
            try {
                Await.until("two bodies of one user in flight", java.time.Duration.ofSeconds(30), () -> {
                    try {
                        for (int i = 0; i < slow.size(); i++) {
                            if (slow.get(i).getInputStream().available() > 0) {
                                slow.get(i).close();
                                slow.set(i, startUpload(slowpoke, body));
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    third[0] = RawHttp.request(base, "POST", "/keys", "{", bearer(slowpoke));
                    return third[0].status() != 400;
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; " + whatTheSlowUploadsGot(slow) + "; server threads:\n" + pkauthThreads(), e);
            }
            assertJson(third[0], 429, "too_many_requests");
            assertThat(third[0].header("Retry-After")).isEqualTo("1");

            RawHttp.Response other = RawHttp.request(base, "POST", "/keys", body, bearer(writer("patient")));
            assertThat(other.status()).as("another user, meanwhile: " + other).isEqualTo(201);

            for (java.net.Socket s : slow) {
                RawHttp.Response done = finish(s, body);
                assertThat(done.status()).as(done.toString()).isEqualTo(201);
            }
        } finally {
            for (java.net.Socket s : slow) s.close();
        }
    }

    @Test
    void anIdempotencyKeyMakesOneKeyHoweverOftenTheMintOrRotationIsRepeated() {
        String token = writer("iac");
        String body = "{\"name\":\"deploy\",\"scopes\":[\"docs:read\"],\"expires_in_seconds\":3600}";
        String idem = "Idempotency-Key: mint-" + System.nanoTime();
        RawHttp.Response first = RawHttp.request(base, "POST", "/keys", body, bearer(token), idem);
        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.body()).contains("\"token\":\"pk.key_");

        RawHttp.Response again = RawHttp.request(base, "POST", "/keys", body, bearer(token), idem);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.body()).contains("\"replayed\":true", "rotate").doesNotContain("\"token\"");
        String id = base.resolve(first.header("Location")).getPath().substring("/keys/".length());
        assertThat(base.resolve(again.header("Location")).getPath()).isEqualTo("/keys/" + id);
        assertThat(store.list("iac")).hasSize(2);

        assertJson(RawHttp.request(base, "POST", "/keys", "{\"name\":\"other\"}", bearer(token), idem), 409,
                "idempotency_key_reused");
        assertJson(RawHttp.request(base, "POST", "/keys", body, bearer(token), "Idempotency-Key: " + "k".repeat(256)), 400,
                "invalid_request");

        String rotation = "Idempotency-Key: rotate-" + System.nanoTime();
        RawHttp.Response rotated = RawHttp.request(base, "POST", "/keys/" + id + "/rotate", "{}", bearer(token), rotation);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
        RawHttp.Response repeated = RawHttp.request(base, "POST", "/keys/" + id + "/rotate", "{}", bearer(token), rotation);
        assertThat(repeated.status()).as("the old key is revoked now, yet the repeat answers its successor: " + repeated)
                .isEqualTo(200);
        String successor = base.resolve(rotated.header("Location")).getPath();
        assertThat(base.resolve(repeated.header("Location")).getPath()).isEqualTo(successor);
        assertThat(store.find(id).orElseThrow().rotatedTo()).as("the rotation, read back").isEqualTo(successor.substring("/keys/".length()));
        assertThat(store.list("iac")).as("one successor, however often asked").hasSize(2);
    }

    @Test
    void anUnsupportedMethodIs405JsonWithAllow() {
        RawHttp.Response r = RawHttp.request(base, "PUT", "/keys", "{}", bearer(writer("alice")));
        assertJson(r, 405, "method_not_allowed");
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD, POST");
    }

    @Test
    void theListHoldsTheCallersKeysOnlyAndRevokingOneEndsIt() {
        String token = writer("carol");
        String other = store.create("carol", "other", List.of(), null).token();
        store.create("dave", "daves", List.of(), null);

        RawHttp.Response list = RawHttp.get(base, "/keys", bearer(token));
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"other\"", "\"name\":\"writer\"").doesNotContain("daves");
        assertThat(list.body()).as("minted by the application: the holder is not told by whom")
                .contains("\"created_actor\":\"service\"").doesNotContain("application");

        String id = other.substring(3, 39);
        assertThat(RawHttp.request(base, "DELETE", "/keys/" + id, null, bearer(token)).status()).isEqualTo(204);
        assertThat(store.verify(other).isValid()).isFalse();
        assertThat(RawHttp.get(base, "/keys/" + id, bearer(other)).status()).as("the revoked key itself").isEqualTo(401);
    }
}
