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
}
