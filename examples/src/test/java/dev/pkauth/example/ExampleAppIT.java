package dev.pkauth.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.ExampleProcess;
import dev.pkauth.testing.TestDatabase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The packaged example jar, run as its own process on PORT=0, driven over HTTP like a user would. */
class ExampleAppIT {
    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    ExampleProcess app;
    Path stderr;

    @AfterEach
    void stopApp() throws Exception {
        if (app != null) app.stop();
    }

    ExampleProcess start(TestDatabase db) throws Exception {
        return start(db, Map.of());
    }

    ExampleProcess start(TestDatabase db, Map<String, String> extraEnv) throws Exception {
        ExampleProcess started = ExampleProcess.start(System.getProperty("example.jar"), db, extraEnv, dir);
        stderr = started.stderr();
        return started;
    }

    HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        return app.call(method, path, token, json);
    }

    static String field(String json, String name) {
        return ExampleProcess.field(json, name);
    }

    /** When a key leaks: the probe and GitHub's report at the README's paths, GitHub played by a stand-in on loopback. */
    @org.junit.jupiter.api.Test
    void aKeyReportedLeakedIsRevokedAndTheProbeSaysSo() throws Exception {
        try (dev.pkauth.testing.LeakReporterStandIn github = new dev.pkauth.testing.LeakReporterStandIn()) {
            app = start(TestDatabase.create(Backend.SQLITE, dir), Map.of("PKAUTH_GITHUB_KEYS_URL", github.keysUrl().toString()));
            String leaked = app.leakedKeyWalkThrough(github);
            String logs = String.join("\n", app.stdout()) + java.nio.file.Files.readString(app.stderr());
            assertThat(logs).as("the secret in no log line").doesNotContain(leaked.substring(leaked.lastIndexOf('.') + 1));
            assertThat(logs).as("the leak is logged").contains("reported leaked by github-secret-scanning and revoked");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aNewUserCanDoEverythingTheReadmePromises(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        app = start(db);
        String demo = app.demoKey();
        assertThat(app.stdout()).anyMatch(l -> l.contains("curl -H 'Authorization: Bearer " + demo + "' " + app.base()));

        // The demo key works on all three routes; health needs nothing.
        assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
        for (String route : List.of("/api/whoami", "/servlet/whoami", "/webxml/whoami")) {
            HttpResponse<String> r = call("GET", route, demo, null);
            assertThat(r.statusCode()).as(route).isEqualTo(200);
            assertThat(r.body()).as(route).contains("\"user_id\":\"demo\"", "\"scopes\":[\"docs:read\",\"keys:write\"]");
            assertThat(call("GET", route, null, null).statusCode()).as(route).isEqualTo(401);
        }
        assertThat(call("GET", "/api/docs", demo, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", "/api/docs", demo, "{\"title\":\"x\"}").statusCode()).as("no docs:write").isEqualTo(403);
        // The access log names the user of a valid key even when it is refused for a scope. The line
        // is written once the response has gone, so wait for it.
        assertThat(awaitLogLine("POST /api/docs 403")).contains("user=demo key=" + demo.substring(0, 16));

        // Create a key over HTTP, use it, revoke it, and it fails.
        HttpResponse<String> created = call("POST", "/api/keys", demo, "{\"name\":\"laptop\",\"scopes\":[\"docs:read\"],\"expires_in_seconds\":3600}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        String laptop = field(created.body(), "token");
        String laptopId = field(created.body(), "id");
        // The Location of a 201 resolves; the endpoint answers JSON for every status it gives.
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).isEqualTo("/api/keys/" + laptopId);
        HttpResponse<String> shown = call("GET", location, demo, null);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains("\"id\":\"" + laptopId + "\"").doesNotContain(laptop.substring(40));
        HttpResponse<String> put = call("PUT", "/api/keys", demo, "{}");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
        assertThat(put.body()).startsWith("{\"error\":\"method_not_allowed\"");
        HttpResponse<String> text = http.send(HttpRequest.newBuilder(app.base().resolve("/api/keys"))
                .header("Authorization", "Bearer " + demo).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(415);
        assertThat(text.body()).startsWith("{\"error\":\"unsupported_media_type\"");
        HttpResponse<String> deeper = call("GET", "/api/keys/" + laptopId + "/more", demo, null);
        assertThat(deeper.statusCode()).isEqualTo(404);
        assertThat(deeper.body()).startsWith("{\"error\":\"not_found\"");
        assertThat(call("GET", "/api/keys/" + laptopId, null, null).statusCode()).as("no key, no discovery").isEqualTo(401);
        assertThat(call("GET", "/api/whoami", laptop, null).body()).contains("\"key_id\":\"" + laptopId + "\"");
        assertThat(call("GET", "/api/keys", demo, null).body()).contains(laptopId).doesNotContain(laptop.substring(40));
        assertThat(call("POST", "/api/keys", laptop, "{\"name\":\"x\"}").statusCode()).as("laptop lacks keys:write").isEqualTo(403);
        assertThat(call("DELETE", "/api/keys/" + laptopId, demo, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/whoami", laptop, null).statusCode()).as("revoked").isEqualTo(401);

        // Escalation and bad input.
        assertThat(call("POST", "/api/keys", demo, "{\"scopes\":[\"docs:write\"]}").statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/keys", demo, "{\"scopes\":[\"*\"]}").statusCode()).isEqualTo(403);
        for (String bad : List.of("{", "{\"nam\":\"x\"}", "{\"scopes\":\"docs:read\"}", "{\"expires_in_seconds\":-1}",
                "{\"expires_in_seconds\":999999999999}", "{\"name\":\"" + "n".repeat(201) + "\"}", "[]")) {
            HttpResponse<String> r = call("POST", "/api/keys", demo, bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).startsWith("{\"error\":\"invalid_request\",\"error_description\":\"");
        }

        // Another user's key is 404, never revocable.
        String malloryId;
        try (ApiKeyStore side = db.builder().build()) {
            malloryId = side.create("mallory", null, List.of(), null).key().id();
        }
        assertThat(call("DELETE", "/api/keys/" + malloryId, demo, null).statusCode()).isEqualTo(404);
        assertThat(call("DELETE", "/api/keys/key_nonexistent", demo, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/keys", demo, null).body()).doesNotContain(malloryId);

        // Restart: keys persist, the demo key is not minted again; the demo password is kept
        // (hashed) and not printed again.
        String password = app.printedPassword().orElseThrow(() -> new AssertionError("no demo password on first start"));
        assertThat(app.signsIn("demo", password)).isTrue();
        assertThat(app.signsIn("demo", password + "x")).isFalse();
        app.stop();
        assertThat(app.process().exitValue()).as("exit after SIGTERM").isIn(0, 143);
        app = start(db);
        assertThat(app.stdout()).noneMatch(l -> l.contains("PKAUTH_DEMO_KEY=") || l.contains("PKAUTH_DEMO_PASSWORD="));
        assertThat(app.signsIn("demo", password)).as("the first start's password, after a restart").isTrue();
        assertThat(call("GET", "/webxml/whoami", demo, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/whoami", laptop, null).statusCode()).isEqualTo(401);
        try (ApiKeyStore side = db.builder().build()) {
            assertThat(side.find(laptopId)).get().satisfies(k -> assertThat(k.revokedAt()).isNotNull());
            assertThat(side.find(demo.substring(3, 39))).get().satisfies(k -> assertThat(k.lastUsedAt()).isNotNull());
        }
    }

    /** The first stderr line containing {@code text}, waiting up to 10 s for the process to write it. */
    String awaitLogLine(String text) {
        String[] found = new String[1];
        dev.pkauth.testing.Await.until("a log line with " + text, Duration.ofSeconds(10), () -> {
            try {
                found[0] = java.nio.file.Files.readAllLines(stderr).stream().filter(l -> l.contains(text)).findFirst().orElse(null);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return found[0] != null;
        });
        return found[0];
    }

    static String stringField(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(null|\"([^\"]*)\")").matcher(json);
        if (!m.find()) throw new AssertionError("no " + name + " in " + json);
        return m.group(2);
    }

    /** Security review finding 1, over HTTP: a 5-second key minted a never-expiring one that outlived it. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void keysMintedByKeysAreWeakerShorterLivedAndDieWithTheirParent(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        app = start(db);
        String demo = app.demoKey();

        HttpResponse<String> child = call("POST", "/api/keys", demo,
                "{\"name\":\"ci\",\"scopes\":[\"keys:write\",\"docs:read\"],\"expires_in_seconds\":3600}");
        assertThat(child.statusCode()).as(child.body()).isEqualTo(201);
        String childToken = field(child.body(), "token");
        String childId = field(child.body(), "id");
        assertThat(stringField(child.body(), "created_by")).isEqualTo(demo.substring(3, 39));

        HttpResponse<String> grandchild = call("POST", "/api/keys", childToken, "{\"name\":\"forever?\"}");
        assertThat(grandchild.statusCode()).as(grandchild.body()).isEqualTo(201);
        String grandchildToken = field(grandchild.body(), "token");
        assertThat(stringField(grandchild.body(), "expires_at")).as("capped at the parent's expiry")
                .isEqualTo(stringField(child.body(), "expires_at"));
        assertThat(stringField(grandchild.body(), "created_by")).isEqualTo(childId);
        assertThat(call("POST", "/api/keys", childToken, "{\"scopes\":[\"docs:write\"]}").statusCode())
                .as("a scope the minting key lacks").isEqualTo(403);

        assertThat(call("DELETE", "/api/keys/" + childId, demo, null).statusCode()).isEqualTo(204);

        assertThat(call("GET", "/api/whoami", grandchildToken, null).statusCode()).as("died with its parent").isEqualTo(401);
        assertThat(call("GET", "/servlet/whoami", grandchildToken, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/whoami", demo, null).statusCode()).as("the parent's parent lives").isEqualTo(200);

        // Usage limits: set at creation, shown, enforced with headers, never loosened by a child.
        HttpResponse<String> metered = call("POST", "/api/keys", demo, "{\"scopes\":[\"keys:write\"],"
                + "\"rate_limit\":{\"requests\":3,\"window_seconds\":86400},\"credits\":5}");
        assertThat(metered.statusCode()).as(metered.body()).isEqualTo(201);
        assertThat(metered.body()).contains("\"rate_limit\":{\"requests\":3,\"window_seconds\":86400}", "\"credits\":5");
        String meteredToken = field(metered.body(), "token");
        HttpResponse<String> used = call("GET", "/api/whoami", meteredToken, null);
        assertThat(used.statusCode()).isEqualTo(200);
        assertThat(used.headers().firstValue("RateLimit-Policy")).hasValue("\"key\";q=3;w=86400");
        // The resource refuses a looser child after the filter admitted the request: it counts.
        assertThat(call("POST", "/api/keys", meteredToken, "{\"credits\":6}").statusCode()).as("looser credits").isEqualTo(403);
        HttpResponse<String> inherited = call("POST", "/api/keys", meteredToken, "{}");
        assertThat(inherited.statusCode()).isEqualTo(201);
        assertThat(inherited.body()).as("a child of a limited key is limited").contains("\"requests\":3");
        HttpResponse<String> limited = call("GET", "/api/whoami", meteredToken, null);
        // Operating keys over HTTP: metadata and an allowlist at creation, disable and enable one's own key.
        HttpResponse<String> office = call("POST", "/api/keys", demo,
                "{\"metadata\":{\"plan\":\"pro\"},\"allowed_ips\":[\"127.0.0.1/32\"]}");
        assertThat(office.statusCode()).as(office.body()).isEqualTo(201);
        assertThat(office.body()).contains("\"metadata\":{\"plan\":\"pro\"}", "\"allowed_ips\":[\"127.0.0.1/32\"]");
        String officeToken = field(office.body(), "token");
        String officeId = field(office.body(), "id");
        assertThat(call("GET", "/api/whoami", officeToken, null).statusCode()).as("from 127.0.0.1").isEqualTo(200);
        HttpResponse<String> off = call("PATCH", "/api/keys/" + officeId, demo, "{\"disabled\":true}");
        assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
        assertThat(off.body()).contains("\"disabled\":true");
        assertThat(call("GET", "/api/whoami", officeToken, null).body()).contains("the API key is disabled");
        assertThat(call("PATCH", "/api/keys/" + officeId, demo, "{\"disabled\":false}").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/whoami", officeToken, null).statusCode()).isEqualTo(200);
        assertThat(call("PATCH", "/api/keys/" + officeId, demo, "{\"disabled\":\"yes\"}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/keys", demo, "{\"allowed_ips\":[\"nonsense\"]}").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/api/keys", demo, "{\"metadata\":[1]}").statusCode()).isEqualTo(400);
        // The value arrives with the background last_used_at write; the store contract checks it.
        assertThat(call("GET", "/api/keys", demo, null).body()).contains("\"last_used_ip\":", "\"disabled\":false");
        assertThat(limited.statusCode()).as("fourth request in a 3-per-day window").isEqualTo(429);
        assertThat(limited.body()).contains("\"error\":\"rate_limited\"");
    }

    /** Security review finding 3 and 7, over HTTP. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void managementIsBoundedAndRoutesAreNotDiscoverable(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        app = start(db, Map.of("PKAUTH_MAX_KEYS_PER_USER", "4"));
        String demo = app.demoKey();

        // Bodies are bounded before they are read: declared (Content-Length) and chunked alike.
        String big = "{\"name\":\"" + "x".repeat(300_000) + "\"}";
        HttpResponse<String> declared = call("POST", "/api/keys", demo, big);
        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).startsWith("{\"error\":\"invalid_request\"");
        HttpRequest chunked = HttpRequest.newBuilder(app.base().resolve("/api/keys"))
                .header("Authorization", "Bearer " + demo).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build();
        assertThat(http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);
        HttpResponse<String> nullBody = call("POST", "/api/keys", demo, "null");
        assertThat(nullBody.statusCode()).isEqualTo(400);
        assertThat(nullBody.body()).contains("invalid_request");

        // A per-user cap: the demo key plus three more, then 409.
        for (int i = 0; i < 3; i++) assertThat(call("POST", "/api/keys", demo, "{}").statusCode()).isEqualTo(201);
        HttpResponse<String> full = call("POST", "/api/keys", demo, "{}");
        assertThat(full.statusCode()).isEqualTo(409);
        assertThat(full.body()).contains("\"error\":\"too_many_keys\"", "PKAUTH_MAX_KEYS_PER_USER");

        // Lists come in pages.
        HttpResponse<String> first = call("GET", "/api/keys?limit=3", demo, null);
        assertThat(first.statusCode()).isEqualTo(200);
        String next = stringField(first.body(), "next");
        assertThat(next).isNotNull();
        HttpResponse<String> second = call("GET", "/api/keys?limit=3&after=" + next, demo, null);
        assertThat(stringField(second.body(), "next")).isNull();
        assertThat(second.body().split("\"id\":", -1)).hasSize(2); // 4 keys: 3 + 1
        assertThat(call("GET", "/api/keys?limit=0", demo, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/keys?limit=501", demo, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/api/keys?after=nonsense", demo, null).statusCode()).isEqualTo(400);

        // No route discovery without a key.
        assertThat(call("GET", "/api/nonexistent", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/nonexistent", demo, null).statusCode()).isEqualTo(404);
    }

    /**
     * Security review finding 5: with every logger at TRACE, Jetty logged the Authorization
     * header and the PostgreSQL driver the bound secret_hash. The example's logging setup caps
     * them; this runs a representative workload at TRACE and greps everything the process wrote.
     */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void atTraceNothingTheProcessWritesHoldsASecretOrHash(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        app = start(db, Map.of("PKAUTH_ROOT_LOG_LEVEL", "TRACE", "PKAUTH_LOG_LEVEL", "TRACE"));
        String demo = app.demoKey();
        List<String> tokens = new java.util.ArrayList<>(List.of(demo));

        for (String route : List.of("/api/whoami", "/servlet/whoami", "/webxml/whoami", "/api/docs")) {
            assertThat(call("GET", route, demo, null).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> created = call("POST", "/api/keys", demo, "{\"name\":\"t\",\"scopes\":[\"docs:read\"]}");
        assertThat(created.statusCode()).isEqualTo(201);
        String minted = field(created.body(), "token");
        tokens.add(minted);
        assertThat(call("GET", "/api/whoami", minted, null).statusCode()).isEqualTo(200);
        String wrongSecret = dev.pkauth.testing.TestTokens.wrongSecret(minted);
        tokens.add(wrongSecret);
        assertThat(call("GET", "/api/whoami", wrongSecret, null).statusCode()).isEqualTo(401);
        assertThat(call("DELETE", "/api/keys/" + field(created.body(), "id"), demo, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/whoami", minted, null).statusCode()).isEqualTo(401);
        app.stop();

        String everything = String.join("\n", app.stdout()) + "\n" + java.nio.file.Files.readString(stderr);
        assertThat(everything).as("verbose logging really was on").contains(" DEBUG ");
        String printedOnce = "  PKAUTH_DEMO_KEY=" + demo; // shown to the operator on purpose, once
        String logs = everything.replace(printedOnce, "").replaceAll("curl -H 'Authorization: Bearer [^']+'", "curl");
        for (String token : tokens) {
            String secret = token.substring(40);
            String hash = java.util.HexFormat.of().formatHex(hmac(db.pepper(), secret));
            assertThat(logs).doesNotContain(secret).doesNotContain(hash).doesNotContain(hash.toUpperCase(java.util.Locale.ROOT));
        }
        assertThat(logs).doesNotContain(db.pepper());
    }

    static byte[] hmac(String pepper, String secret) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    }
}
