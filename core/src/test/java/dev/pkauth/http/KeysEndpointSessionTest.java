package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.AuditEvent;
import dev.pkauth.IssuedKey;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The host's signed-in user as the caller of the keys endpoints (what the page does), and
 * rotation: the rules, framework-free; every adapter only finds the user and the origin proof.
 */
class KeysEndpointSessionTest {
    static final String ME = "http://app.test:8080";
    final ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("session-test-pepper-0123456789abcdef").build();
    final KeysEndpoint endpoint = new KeysEndpoint(store, "api", "/keys");
    final SessionGrant grant = SessionGrant.of(List.of("docs:read", "docs:write")).maxLifetime(Duration.ofDays(30));

    @AfterEach
    void close() {
        store.close();
    }

    static OriginProof sameOrigin() {
        return OriginProof.of(ME, "same-origin", ME, "s3cr3t-csrf", "s3cr3t-csrf");
    }

    KeysEndpoint.Answer call(String method, String path, String body, SessionCaller session) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return endpoint.handle(new KeysEndpoint.Request(method, path, null, body == null ? null : "application/json",
                body == null ? -1 : bytes.length, null, new ByteArrayInputStream(bytes), null, session));
    }

    KeysEndpoint.Answer keyCall(String method, String path, String body, ApiKeyPrincipal key) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        return endpoint.handle(new KeysEndpoint.Request(method, path, null, body == null ? null : "application/json",
                body == null ? -1 : bytes.length, null, new ByteArrayInputStream(bytes), key));
    }

    SessionCaller alice(OriginProof proof) {
        return new SessionCaller("alice", grant, proof);
    }

    @Test
    void aSignedInUserMintsWithinTheGrantAndTheAuditNamesThem() {
        KeysEndpoint.Answer created = call("POST", "", "{\"name\":\"ci\",\"scopes\":[\"docs:read\"]}", alice(sameOrigin()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.headers().get("Location").substring("/keys/".length());
        ApiKey key = store.find(id).orElseThrow();
        assertThat(key.userId()).isEqualTo("alice");
        assertThat(key.createdBy()).as("no parent key").isNull();
        assertThat(key.expiresAt()).as("no expiry asked: the grant's longest")
                .isBetween(Instant.now().plus(Duration.ofDays(30)).minusSeconds(60), Instant.now().plus(Duration.ofDays(30)));
        assertThat(store.operations().auditLog(id, null, null, 10, null)).extracting(AuditEvent::actor).containsExactly("user:alice");

        KeysEndpoint.Answer list = call("GET", "", null, alice(OriginProof.of(null, null, ME, null, null)));
        assertThat(list.status()).as("reads need no token").isEqualTo(200);
        assertThat(list.body()).contains(id, "\"grant\":{\"scopes\":[\"docs:read\",\"docs:write\"],\"max_expires_in_seconds\":2592000}")
                .contains("\"status\":\"active\"");
    }

    @Test
    void nothingBeyondTheGrant() {
        assertThat(call("POST", "", "{\"scopes\":[\"admin\"]}", alice(sameOrigin())).status()).isEqualTo(403);
        assertThat(call("POST", "", "{\"expires_in_seconds\":2592001}", alice(sameOrigin())).status()).isEqualTo(400);
        assertThat(call("POST", "", "{\"credits\":5}", alice(sameOrigin())).status()).as("limits are the service's").isEqualTo(403);
        SessionCaller nobody = new SessionCaller("bob", SessionGrant.none(), sameOrigin());
        assertThat(call("POST", "", "{\"scopes\":[\"docs:read\"]}", nobody).status()).as("no policy: no scope").isEqualTo(403);
        assertThat(call("POST", "", "{\"name\":\"plain\"}", nobody).status()).isEqualTo(201);
        assertThat(store.list("alice")).isEmpty();
    }

    @Test
    void everyWriteWithoutProofOfOriginIs403CsrfAndChangesNothing() {
        IssuedKey mine = store.create("alice", "mine", List.of("docs:read"), null);
        String one = "/" + mine.key().id();
        List<OriginProof> forged = List.of(
                OriginProof.of("https://evil.test", "cross-site", ME, "s3cr3t-csrf", "s3cr3t-csrf"), // a cross-site fetch that somehow knew the token
                OriginProof.of(ME, "same-site", ME, "s3cr3t-csrf", "s3cr3t-csrf"),
                OriginProof.of("https://evil.test", null, ME, "s3cr3t-csrf", "s3cr3t-csrf"), // an older browser: Origin only
                OriginProof.of(ME, "same-origin", ME, null, "s3cr3t-csrf"), // no token
                OriginProof.of(ME, "same-origin", ME, "wrong", "s3cr3t-csrf"),
                OriginProof.of(ME, "same-origin", ME, "s3cr3t-csrf", null), // the session never had one
                OriginProof.of(null, null, ME, null, "s3cr3t-csrf"));
        for (OriginProof proof : forged) {
            for (String[] write : List.of(new String[] {"POST", "", "{\"name\":\"x\"}"}, new String[] {"DELETE", one, null},
                    new String[] {"PATCH", one, "{\"disabled\":true}"}, new String[] {"POST", one + "/rotate", "{}"})) {
                KeysEndpoint.Answer a = call(write[0], write[1], write[2], alice(proof));
                assertThat(a.status()).as("%s %s with %s", write[0], write[1], proof).isEqualTo(403);
                assertThat(a.body()).startsWith("{\"error\":\"csrf\"").doesNotContain("s3cr3t-csrf");
            }
        }
        assertThat(store.list("alice", true)).singleElement().satisfies(k -> {
            assertThat(k.revokedAt()).isNull();
            assertThat(k.disabledAt()).isNull();
        });
    }

    @Test
    void aSessionSeesAndChangesOnlyItsOwnKeys() {
        IssuedKey bobs = store.create("bob", "bob's", List.of("docs:read"), null);
        String path = "/" + bobs.key().id();
        assertThat(call("GET", path, null, alice(sameOrigin())).status()).isEqualTo(404);
        assertThat(call("DELETE", path, null, alice(sameOrigin())).status()).isEqualTo(404);
        assertThat(call("POST", path + "/rotate", "{}", alice(sameOrigin())).status()).isEqualTo(404);
        assertThat(store.find(bobs.key().id()).orElseThrow().revokedAt()).isNull();
    }

    @Test
    void rotationGivesASuccessorAndTheOldKeyWorksOnlyForTheOverlap() {
        IssuedKey old = store.create("alice", "deploy", List.of("docs:read"), null);
        KeysEndpoint.Answer rotated = call("POST", "/" + old.key().id() + "/rotate", "{\"overlap_seconds\":3600}", alice(sameOrigin()));
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(201);
        assertThat(rotated.body()).contains("\"token\":\"pk.key_").contains("\"name\":\"deploy\"");
        assertThat(store.verify(old.token()).isValid()).as("within the overlap").isTrue();
        assertThat(store.find(old.key().id()).orElseThrow().expiresAt()).isBefore(Instant.now().plusSeconds(3601));
        assertThat(call("POST", "/" + old.key().id() + "/rotate", "{\"overlap_seconds\":-1}", alice(sameOrigin())).status()).isEqualTo(400);
        assertThat(call("POST", "/" + old.key().id() + "/rotate", "{\"when\":1}", alice(sameOrigin())).status()).isEqualTo(400);
        assertThat(call("GET", "/" + old.key().id() + "/rotate", null, alice(sameOrigin())).status()).isEqualTo(405);

        IssuedKey admin = store.create("alice", "admin", List.of("admin"), null);
        assertThat(call("POST", "/" + admin.key().id() + "/rotate", "{}", alice(sameOrigin())).status())
                .as("a session cannot obtain a token it could not mint").isEqualTo(403);
    }

    @Test
    void aKeyRotatesItselfAndWhatItMintedButNotItsParent() {
        IssuedKey parent = store.create("alice", "parent", List.of("keys:write", "docs:read", "docs:write"), null);
        ApiKeyPrincipal p = parent.key().toPrincipal();
        IssuedKey child = store.create(p, "child", List.of("keys:write", "docs:read"), null);
        ApiKeyPrincipal c = child.key().toPrincipal();
        assertThat(keyCall("POST", "/" + parent.key().id() + "/rotate", "{}", c).status())
                .as("the child would get its stronger parent's token").isEqualTo(403);
        assertThat(store.verify(parent.token()).isValid()).isTrue();
        assertThat(keyCall("POST", "/" + child.key().id() + "/rotate", "{}", p).status()).isEqualTo(201);
        IssuedKey self = store.create("alice", "self", List.of("keys:write"), null);
        assertThat(keyCall("POST", "/" + self.key().id() + "/rotate", "{}", self.key().toPrincipal()).status()).isEqualTo(201);
        assertThat(store.verify(self.token()).isValid()).as("overlap 0: ends now").isFalse();
        IssuedKey reader = store.create("alice", "reader", List.of("docs:read"), null);
        assertThat(keyCall("POST", "/" + reader.key().id() + "/rotate", "{}", reader.key().toPrincipal()).status())
                .as("keys:write needed").isEqualTo(403);
    }

    @Test
    void aKeyWinsOverASessionOnTheSameRequest() {
        IssuedKey reader = store.create("carol", "reader", List.of("docs:read"), null);
        KeysEndpoint.Answer a = endpoint.handle(new KeysEndpoint.Request("POST", "", null, "application/json", 2, null,
                new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), reader.key().toPrincipal(), alice(sameOrigin())));
        assertThat(a.status()).as("acts as the key, which lacks keys:write").isEqualTo(403);
        assertThat(store.list("alice")).isEmpty();
    }

    @Test
    void theGrantRefusesNonsense() {
        assertThat(SessionGrant.none().scopes()).isEmpty();
        assertThat(SessionGrant.none().maxLifetime()).isEqualTo(Duration.ofDays(90));
        assertThat(SessionGrant.of(Set.of("b", "a")).scopes()).containsExactly("a", "b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SessionGrant.none().maxLifetime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(OriginProof.originOf("HTTPS", "App.Test", 443)).isEqualTo("https://app.test");
        assertThat(OriginProof.originOf("http", "::1", 8080)).isEqualTo("http://[::1]:8080");
        assertThat(OriginProof.newToken()).hasSize(43).isNotEqualTo(OriginProof.newToken());
    }
}
