package dev.pkauth.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An example application's packaged jar run as its own process on {@code PORT=0}, driven over
 * HTTP as a user would: the Jetty example and the Spring example are started and called alike.
 *
 * @param process the running JVM
 * @param base {@code http://127.0.0.1:<port>} from its "Listening on" line
 * @param stdout every line it printed so far (a daemon thread keeps reading)
 * @param stderr the file its standard error goes to
 */
public record ExampleProcess(Process process, URI base, List<String> stdout, Path stderr) {
    static final Pattern LISTENING = Pattern.compile("Listening on (http://127\\.0\\.0\\.1:\\d+)");
    static final Pattern DEMO_KEY = Pattern.compile("PKAUTH_DEMO_KEY=(pk\\.key_\\S{32}\\.\\S{43})");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** Starts {@code jar} on {@code db} with its pepper and table, plus {@code extraEnv}; waits for "Listening on". */
    public static ExampleProcess start(String jar, TestDatabase db, Map<String, String> extraEnv, Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("PKAUTH_"));
        env.put("PORT", "0");
        env.put("PKAUTH_JDBC_URL", db.jdbcUrl());
        env.put("PKAUTH_TABLE", db.table());
        env.put("PKAUTH_PEPPER", db.pepper());
        if (db.user() != null) env.put("PKAUTH_JDBC_USER", db.user());
        if (db.password() != null) env.put("PKAUTH_JDBC_PASSWORD", db.password());
        env.putAll(extraEnv);
        Path stderr = dir.resolve("stderr-" + System.nanoTime() + ".log");
        pb.redirectError(stderr.toFile());
        Process process = pb.start();
        List<String> lines = new CopyOnWriteArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = out.readLine()) != null) {
            lines.add(line);
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> out.lines().forEach(lines::add));
                drain.setDaemon(true);
                drain.start();
                return new ExampleProcess(process, URI.create(m.group(1)), lines, stderr);
            }
            if (System.nanoTime() > deadline) break;
        }
        process.destroyForcibly();
        throw new AssertionError("the example never said 'Listening on': " + lines);
    }

    /** SIGTERM, and at most 20 s to drain and stop. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the example did not stop within 20 s of SIGTERM");
        }
    }

    /** The demo key it printed. */
    public String demoKey() {
        return stdout.stream().map(DEMO_KEY::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError("no demo key printed: " + stdout));
    }

    /** One request: {@code token} as a Bearer key when not null, {@code json} as a JSON body when not null. */
    public HttpResponse<String> call(String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (json != null) b.header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One request with these headers, {@code body} (JSON) when not null. */
    public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The demo password this start printed, if it printed one. */
    public java.util.Optional<String> printedPassword() {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("PKAUTH_DEMO_PASSWORD=(\\S+)");
        return stdout.stream().map(p::matcher).filter(java.util.regex.Matcher::find).map(m -> m.group(1)).findFirst();
    }

    /**
     * Whether {@code user} and {@code password} sign in at {@code /login} as a browser would
     * ({@link FormLogin}): signed in is a redirect to {@code /account/keys}.
     */
    public boolean signsIn(String user, String password) throws Exception {
        HttpResponse<String> r = FormLogin.submit(HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).build(), base, user, password).post();
        return (r.statusCode() == 302 || r.statusCode() == 303)
                && r.headers().firstValue("Location").orElse("").endsWith("/account/keys");
    }

    /**
     * What the README says of a leaked key, on a running example started with
     * {@code PKAUTH_GITHUB_KEYS_URL} at {@code github}: the probe says active, GitHub's signed report
     * revokes the key (201, {@code true_positive}), the probe and the API then answer 401; an
     * unsigned report is 401 and changes nothing.
     *
     * @return the leaked token, for the caller to look for in the logs
     */
    public String leakedKeyWalkThrough(LeakReporterStandIn github) throws Exception {
        String demo = demoKey();
        HttpResponse<String> created = call("POST", "/api/keys", demo, "{\"name\":\"pasted-in-a-gist\",\"scopes\":[\"docs:read\"]}");
        org.assertj.core.api.Assertions.assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String leaked = field(created.body(), "token");
        HttpResponse<String> probe = call("GET", "/keys/status", leaked, (String) null);
        org.assertj.core.api.Assertions.assertThat(probe.statusCode()).isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(probe.body()).isEqualTo("{\"active\":true}");
        String report = "[{\"token\":\"" + leaked + "\",\"type\":\"pkauth_example_key\","
                + "\"url\":\"https://gist.github.com/someone/1\",\"source\":\"gist\"}]";
        HttpResponse<String> unsigned = send("POST", "/leaks/github", report, Map.of());
        org.assertj.core.api.Assertions.assertThat(unsigned.statusCode()).isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(call("GET", "/api/whoami", leaked, (String) null).statusCode()).isEqualTo(200);
        HttpResponse<String> signed = send("POST", "/leaks/github", report, Map.of(
                "Github-Public-Key-Identifier", github.identifier(), "Github-Public-Key-Signature", github.sign(report)));
        org.assertj.core.api.Assertions.assertThat(signed.statusCode()).as(signed.body()).isEqualTo(201);
        org.assertj.core.api.Assertions.assertThat(signed.body()).contains("\"label\":\"true_positive\"").doesNotContain(leaked);
        org.assertj.core.api.Assertions.assertThat(call("GET", "/keys/status", leaked, (String) null).statusCode()).isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(call("GET", "/api/whoami", leaked, (String) null).statusCode()).isEqualTo(401);
        org.assertj.core.api.Assertions.assertThat(call("GET", "/api/whoami", demo, (String) null).statusCode()).as("the demo key").isEqualTo(200);
        return leaked;
    }

    /** The first string member {@code name} of a JSON text. */
    public static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) throw new AssertionError("no " + name + " in " + json);
        return m.group(1);
    }
}
