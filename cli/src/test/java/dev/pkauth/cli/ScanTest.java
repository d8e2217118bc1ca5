package dev.pkauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import dev.pkauth.testing.TestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code pkauth scan}: files, directories, stdin and a repository's history; never a secret printed. */
class ScanTest {
    @TempDir
    Path dir;

    CliRunner.Result run(TestDatabase db, String stdin, String... args) {
        return CliRunner.run(db, java.util.Map.of(), stdin, args);
    }

    static String secretOf(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void findsLiveRevokedAndUnknownTokensSkippingGitAndPrintsNoSecret(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir.resolve("db"));
        Files.createDirectories(dir.resolve("db"));
        IssuedKey live;
        IssuedKey revoked;
        try (ApiKeyStore store = db.builder().build()) {
            live = store.create("alice", "ci", List.of(), null);
            revoked = store.create("alice", "old", List.of(), null);
            store.revoke(revoked.key().id());
        }
        String forged = TestTokens.wrongSecret("pk.key_" + "F".repeat(32) + "." + secretOf(live.token()));
        Path repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("config"));
        Files.createDirectories(repo.resolve(".git"));
        Files.writeString(repo.resolve("README.md"), "# app\n\nexport API_KEY=" + live.token() + "\n");
        Files.writeString(repo.resolve("config/app.yml"), "a: 1\nkey: \"" + revoked.token() + "\"\nother: " + forged + "\n"
                + "docs: pk.key_" + "x".repeat(32) + "." + "y".repeat(43) + "\n");
        Files.writeString(repo.resolve(".git/config"), live.token());

        CliRunner.Result r = run(db, null, "scan", repo.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out().lines()).containsExactlyInAnyOrder(
                repo.resolve("README.md") + ":3: " + live.key().prefix() + " (live)",
                repo.resolve("config/app.yml") + ":2: " + revoked.key().prefix() + " (revoked)",
                repo.resolve("config/app.yml") + ":3: pk.key_FFFFFFFFF (unknown)",
                repo.resolve("config/app.yml") + ":4: pk.key_xxxxxxxxx (unknown)");
        assertThat(r.out() + r.err()).doesNotContain(secretOf(live.token())).doesNotContain(secretOf(revoked.token()));
        assertThat(r.err()).contains("MB/s").contains("4 token(s), 1 live");

        CliRunner.Result json = run(db, null, "scan", "--json", repo.resolve("README.md").toString());
        assertThat(json.out()).contains("\"prefix\": \"" + live.key().prefix() + "\"").contains("\"status\": \"live\"")
                .contains("\"line\": 3");

        CliRunner.Result revoking = run(db, null, "scan", "--revoke", repo.toString());
        assertThat(revoking.exit()).isEqualTo(1);
        assertThat(revoking.out()).contains(live.key().prefix() + " (live, now revoked)");
        try (ApiKeyStore store = db.builder().build()) {
            assertThat(store.verify(live.token()).isValid()).isFalse();
            assertThat(store.operations().auditLog(live.key().id(), null, null, 5, null)).anySatisfy(e -> {
                assertThat(e.actor()).startsWith("scan:");
                assertThat(e.detail()).contains("README.md:3");
            });
        }
        CliRunner.Result after = run(db, null, "scan", repo.toString());
        assertThat(after.exit()).as("nothing live any more").isZero();
    }

    @Test
    void readsStdinAsAPreCommitHookWould() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        String token;
        try (ApiKeyStore store = db.builder().build()) {
            token = store.create("bob", null, List.of(), null).token();
        }
        CliRunner.Result r = run(db, "+++ b/.env\n+API_KEY=" + token + "\n", "scan", "-");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("-:2: " + token.substring(0, 16) + " (live)" + System.lineSeparator());
    }

    /** No database configured: a token with a valid checksum may be live, so the hook fails closed; shapes without one are ignored. */
    @Test
    void withoutAStoreAChecksummedTokenCountsAsLive() throws Exception {
        String token;
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().build()) {
            token = store.create("carol", null, List.of(), null).token();
        }
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "see pk.key_" + "x".repeat(32) + "." + "y".repeat(43) + " in the docs\n");
        CliRunner.Result clean = run(null, null, "scan", file.toString());
        assertThat(clean.exit()).as(clean.err()).isZero();
        assertThat(clean.out()).isEmpty();
        Files.writeString(file, "token " + token + ".\n", StandardCharsets.UTF_8);
        CliRunner.Result found = run(null, null, "scan", file.toString());
        assertThat(found.exit()).isEqualTo(1);
        assertThat(found.out()).contains(":1: " + token.substring(0, 16) + " (no store)");
        assertThat(found.err()).contains("no store");
    }

    @Test
    void aDeploymentsOwnPrefix() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        String acme;
        try (ApiKeyStore store = db.builder().tokenPrefix("acme").build()) {
            acme = store.create("dave", null, List.of(), null).token();
        }
        Path file = dir.resolve("x.env");
        Files.writeString(file, "A=" + acme + "\nB=pk" + acme.substring(4) + "\n");
        CliRunner.Result r = CliRunner.run(db, Map.of("PKAUTH_TOKEN_PREFIX", "acme"), null, "scan", file.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().lines()).containsExactly(file + ":1: " + acme.substring(0, 18) + " (live)");
    }

    @Test
    void walksEveryCommitWithGitHistory() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        String token;
        try (ApiKeyStore store = db.builder().build()) {
            token = store.create("erin", null, List.of(), null).token();
        }
        Path repo = dir.resolve("history");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("app.properties"), "name=app\nkey=" + token + "\n");
        git(repo, "add", ".");
        git(repo, "commit", "-q", "-m", "oops");
        Files.writeString(repo.resolve("app.properties"), "name=app\n");
        git(repo, "commit", "-q", "-am", "remove the key");

        CliRunner.Result now = run(db, null, "scan", repo.toString());
        assertThat(now.exit()).as("the work tree is clean").isZero();
        CliRunner.Result history = run(db, null, "scan", "--git-history", repo.toString());
        assertThat(history.exit()).as(history.err()).isEqualTo(1);
        assertThat(history.out()).containsPattern("^[0-9a-f]{12}:app.properties:2: " + token.substring(0, 16).replace(".", "\\.")
                + " \\(live\\)");
    }

    static void git(Path repo, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=t",
                "-c", "user.email=t@example.test", "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}
