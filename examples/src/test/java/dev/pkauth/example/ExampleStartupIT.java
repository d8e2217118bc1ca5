package dev.pkauth.example;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails stops the process with exit 1 and one line naming the cause and the fix,
 * never a stack trace and never a half-started server; --help prints usage.
 */
class ExampleStartupIT {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    Result run(Map<String, String> env, String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", System.getProperty("example.jar")));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PKAUTH_") || k.equals("PORT"));
        pb.environment().put("PORT", "0");
        pb.environment().put("PKAUTH_PEPPER", "startup-test-pepper-0123456789abcdef");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the process ended by itself").isTrue();
        return new Result(p.exitValue(), out, err);
    }

    static void assertOneLineFailure(Result r, String... words) {
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).doesNotContain("Listening on").doesNotContain("PKAUTH_DEMO_KEY");
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread");
        String line = r.err().lines().filter(l -> l.startsWith("pkauth-example: cannot start: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no one-line reason in: " + r.err()));
        assertThat(line).contains(words);
    }

    @Test
    void aPortInUseIsOneLineAndExit1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result r = run(Map.of("PORT", Integer.toString(taken.getLocalPort()),
                    "PKAUTH_JDBC_URL", "jdbc:sqlite:" + dir.resolve("keys.db")));
            assertOneLineFailure(r, "port " + taken.getLocalPort(), "is in use", "PORT=0");
        }
    }

    @Test
    void aMissingDatabaseDirectoryIsNamed() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        Result r = run(Map.of("PKAUTH_JDBC_URL", "jdbc:sqlite:" + missing.resolve("keys.db")));
        assertOneLineFailure(r, "directory " + missing + " does not exist");
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsNamed() throws Exception {
        Result r = run(Map.of("PKAUTH_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/app"));
        assertOneLineFailure(r, "cannot reach the database at jdbc:postgresql://127.0.0.1:1/app", "PKAUTH_JDBC_URL");
    }

    @Test
    void aReadOnlyDatabaseStopsTheStartNamingIt() throws Exception {
        Path db = dir.resolve("keys.db");
        dev.pkauth.ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + db).build().close(); // the table exists
        // Tests run as root, which file permissions do not stop: open it read-only instead.
        Result r = run(Map.of("PKAUTH_JDBC_URL", "jdbc:sqlite:file:" + db + "?mode=ro"));
        assertOneLineFailure(r, "database is read-only", "table pkauth_api_keys");
        assertThat(r.err()).contains("ERROR").contains("the file and its directory are writable");
    }

    @Test
    void aRequiredPepperThatIsMissingIsNamed() throws Exception {
        Result r = run(Map.of("PKAUTH_PEPPER", "", "PKAUTH_REQUIRE_PEPPER", "true",
                "PKAUTH_JDBC_URL", "jdbc:sqlite:" + dir.resolve("keys.db")));
        assertOneLineFailure(r, "a pepper is required", "PKAUTH_PEPPER");
    }

    @Test
    void helpPrintsUsageAndUnknownArgumentsAreRefused() throws Exception {
        Result help = run(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: java -jar pkauth-example.jar", "PKAUTH_JDBC_URL", "Exit codes");
        Result bad = run(Map.of(), "--port", "9");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown argument \"--port\"", "--help");
    }
}
