package dev.pkauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code pkauth-cli.jar} as an operator runs it: that it starts, finds its logging
 * configuration and drivers, and exits with the codes {@code CliTest} checks in-process.
 */
class CliIT {
    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {}

    Result run(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("cli.jar")));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PKAUTH_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void theJarCreatesVerifiesAndRevokesAndSaysWhatWentWrongInOneLine() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        Map<String, String> env = Map.of("PKAUTH_JDBC_URL", db.jdbcUrl(), "PKAUTH_TABLE", db.table(), "PKAUTH_PEPPER", db.pepper());

        Result nowhere = run(env, null, "create", "--user", "alice", "--scopes", "docs:read");
        assertThat(nowhere.exit()).as("no database is created by a mint").isEqualTo(3);
        assertThat(nowhere.err()).contains("no database at ", "run 'pkauth migrate' to create it");
        assertThat(run(env, null, "migrate").exit()).isZero();

        Result created = run(env, null, "create", "--user", "alice", "--scopes", "docs:read");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.err()).as("names where it wrote").contains(" in jdbc:sqlite:/", "(table " + db.table() + ")");
        String token = created.out().strip();
        Result verified = run(env, token + "\n", "verify", "-");
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("\"user_id\": \"alice\"");
        assertThat(run(env, null, "revoke", token.substring(3, 39)).exit()).isZero();
        Result revoked = run(env, token, "verify", "-");
        assertThat(revoked.exit()).isEqualTo(1);
        assertThat(revoked.err()).contains("invalid key: revoked");

        Result noPepper = run(Map.of("PKAUTH_JDBC_URL", db.jdbcUrl(), "PKAUTH_TABLE", db.table()), null, "create", "--user", "bob");
        assertThat(noPepper.err()).as("the jar's logback.xml keeps the store's long warning out")
                .contains("PKAUTH_PEPPER is not set").doesNotContain("WARN");
        Result usage = run(env, null, "create");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).doesNotContain("\tat ").contains("see 'pkauth create --help'");
        Result down = run(Map.of("PKAUTH_JDBC_URL", "jdbc:postgresql://127.0.0.1:1/none"), null, "list", "--user", "a");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.err().strip().lines()).as(down.err()).hasSize(1);
        assertThat(run(Map.of(), null, "--version").out()).startsWith("pkauth ");
    }
}
