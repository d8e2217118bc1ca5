package dev.pkauth.example.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.ExampleProcess;
import dev.pkauth.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The packaged Spring example, run as its own process, walked through as the Jetty example is. */
class SpringExampleAppIT {
    @TempDir
    Path dir;

    ExampleProcess app;

    @AfterEach
    void stopApp() throws Exception {
        if (app != null) app.stop();
    }

    ExampleProcess start(TestDatabase db) throws Exception {
        return ExampleProcess.start(System.getProperty("example.jar"), db, Map.of(), dir);
    }

    HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        return app.call(method, path, token, json);
    }

    /** When a key leaks: the probe and GitHub's report at the README's paths, GitHub played by a stand-in on loopback. */
    @org.junit.jupiter.api.Test
    void aKeyReportedLeakedIsRevokedAndTheProbeSaysSo() throws Exception {
        try (dev.pkauth.testing.LeakReporterStandIn github = new dev.pkauth.testing.LeakReporterStandIn()) {
            app = ExampleProcess.start(System.getProperty("example.jar"), TestDatabase.create(Backend.SQLITE, dir),
                    Map.of("PKAUTH_GITHUB_KEYS_URL", github.keysUrl().toString()), dir);
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
        assertThat(app.stdout()).anyMatch(l -> l.contains("curl -H 'Authorization: Bearer " + demo + "' " + app.base() + "/api/whoami"));

        assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> whoami = call("GET", "/api/whoami", demo, null);
        assertThat(whoami.statusCode()).isEqualTo(200);
        assertThat(whoami.body()).contains("\"user_id\":\"demo\"", "\"scopes\":[\"docs:read\",\"keys:write\"]");
        assertThat(whoami.headers().firstValue("Set-Cookie")).as("stateless").isEmpty();
        HttpResponse<String> none = call("GET", "/api/whoami", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"api\"");
        assertThat(call("GET", "/api/docs", demo, null).statusCode()).isEqualTo(200);
        HttpResponse<String> write = call("POST", "/api/docs", demo, "{\"title\":\"x\"}");
        assertThat(write.statusCode()).as("no docs:write").isEqualTo(403);
        assertThat(write.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"docs:write\"");

        // Create a key over HTTP, see it, use it, revoke it, and it fails.
        HttpResponse<String> created = call("POST", "/api/keys", demo, "{\"name\":\"laptop\",\"scopes\":[\"docs:read\"],\"expires_in_seconds\":3600}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control")).hasValue("no-store");
        String laptop = ExampleProcess.field(created.body(), "token");
        String laptopId = ExampleProcess.field(created.body(), "id");
        assertThat(call("GET", created.headers().firstValue("Location").orElseThrow(), demo, null).body()).contains(laptopId);
        assertThat(call("GET", "/api/whoami", laptop, null).body()).contains("\"key_id\":\"" + laptopId + "\"");
        assertThat(call("GET", "/api/keys", demo, null).body()).contains(laptopId).doesNotContain(laptop.substring(40));
        assertThat(call("POST", "/api/keys", laptop, "{\"name\":\"x\"}").statusCode()).as("laptop lacks keys:write").isEqualTo(403);
        assertThat(call("DELETE", "/api/keys/" + laptopId, demo, null).statusCode()).isEqualTo(204);
        assertThat(call("GET", "/api/whoami", laptop, null).statusCode()).as("revoked").isEqualTo(401);

        // Escalation and bad input.
        assertThat(call("POST", "/api/keys", demo, "{\"scopes\":[\"docs:write\"]}").statusCode()).isEqualTo(403);
        assertThat(call("POST", "/api/keys", demo, "{\"scopes\":[\"*\"]}").statusCode()).isEqualTo(403);
        for (String bad : List.of("{", "{\"nam\":\"x\"}", "{\"scopes\":\"docs:read\"}", "{\"expires_in_seconds\":-1}", "[]", "null")) {
            HttpResponse<String> r = call("POST", "/api/keys", demo, bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.body()).as(bad).startsWith("{\"error\":\"invalid_request\",\"error_description\":\"");
        }
        assertThat(call("PUT", "/api/keys", demo, "{}").statusCode()).isEqualTo(405);

        // Another user's key is 404, never revocable; unknown routes need a key before they are 404.
        String malloryId;
        try (ApiKeyStore side = db.builder().build()) {
            malloryId = side.create("mallory", null, List.of(), null).key().id();
        }
        assertThat(call("DELETE", "/api/keys/" + malloryId, demo, null).statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/keys", demo, null).body()).doesNotContain(malloryId);
        assertThat(call("GET", "/api/nonexistent", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/nonexistent", demo, null).statusCode()).isEqualTo(404);

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
        assertThat(call("GET", "/api/whoami", demo, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/whoami", laptop, null).statusCode()).isEqualTo(401);
    }

    @Test
    void helpPrintsUsageAndAFailedStartIsOneLineAndExit1() throws Exception {
        Process help = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("example.jar"), "--help").redirectErrorStream(true).start();
        String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(out).startsWith("Usage: java -jar pkauth-spring-example.jar");

        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("example.jar"));
        pb.environment().keySet().removeIf(k -> k.startsWith("PKAUTH_"));
        pb.environment().put("PORT", "0");
        pb.environment().put("PKAUTH_JDBC_URL", "jdbc:sqlite:" + dir.resolve("keys.db"));
        pb.environment().put("PKAUTH_REQUIRE_PEPPER", "true");
        Process failed = pb.start();
        String stderr = new String(failed.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String stdout = new String(failed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(failed.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.exitValue()).isEqualTo(1);
        assertThat(stderr.strip().lines()).as(stderr).hasSize(1);
        assertThat(stderr).startsWith("pkauth-spring-example: cannot start: no pepper is set and a pepper is required");
        assertThat(stdout).doesNotContain("Listening on");
    }
}
