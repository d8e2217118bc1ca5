package dev.pkauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.cli.CliRunner.Result;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every command as an operator runs it, through the CLI's entry point in this JVM, on SQLite and PostgreSQL. */
class CliTest {
    @TempDir
    Path dir;

    static int keysOf(TestDatabase db, String user) {
        try (dev.pkauth.ApiKeyStore store = db.builder().build()) {
            return store.list(user).size();
        }
    }

    Result run(TestDatabase db, String stdin, String... args) {
        return runWith(db, Map.of(), stdin, args);
    }

    @org.junit.jupiter.api.BeforeAll
    static void logAsTheJarDoes() throws Exception {
        CliRunner.logAsTheJarDoes();
    }

    Result runWith(TestDatabase db, Map<String, String> extraEnv, String stdin, String... args) {
        return CliRunner.run(db, extraEnv, stdin, args);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void createVerifyRevokeVerify(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();

        Result created = run(db, null, "create", "--user", "alice", "--name", "CI", "--scopes", "docs:read,keys:write",
                "--expires-in", "90d");
        assertThat(created.exit()).as(created.err()).isZero();
        String token = created.out().strip();
        assertThat(token).as("the token alone on stdout").matches("pk\\.key_[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]{43}");
        String id = token.substring(3, 39);
        assertThat(created.err()).contains(id, "shown only once").doesNotContain(token.substring(40));

        Result ok = run(db, null, "verify", token);
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).doesNotContain("\" : ", "[ ").contains("\"user_id\": \"alice\"", "\"key_id\": \"" + id + "\"", "docs:read");
        assertThat(run(db, token + "\n", "verify", "-").exit()).as("token from stdin").isZero();

        Result list = run(db, null, "list", "--user", "alice");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("ID", "PREFIX", "LAST USED", "STATUS", id, "CI", "docs:read,keys:write", "active");
        Result json = run(db, null, "list", "--user", "alice", "--json");
        assertThat(json.out()).contains("\"id\": \"" + id + "\"", "\"status\": \"active\"");
        String hash = hex(db.pepper(), token.substring(40));
        for (Result r : List.of(list, json, run(db, null, "show", id, "--json"))) {
            assertThat(r.out() + r.err()).doesNotContain(token.substring(40)).doesNotContain(hash);
        }

        Result rotated = run(db, null, "rotate", id, "--overlap", "0s");
        assertThat(rotated.exit()).isZero();
        String successor = rotated.out().strip();
        assertThat(run(db, null, "verify", successor).exit()).isZero();
        Result revokedByRotation = run(db, null, "verify", token);
        assertThat(revokedByRotation.exit()).isEqualTo(1);
        assertThat(revokedByRotation.err()).contains("revoked");

        String successorId = successor.substring(3, 39);
        assertThat(run(db, null, "show", id).out()).contains("revoked, rotated to " + successorId);
        assertThat(run(db, null, "show", id, "--json").out()).contains("\"rotated_to\": \"" + successorId + "\"");
        assertThat(run(db, null, "list", "--user", "alice", "--all").out()).contains("rotated to " + successorId);
        assertThat(run(db, null, "show", successorId, "--json").out()).contains("\"rotated_to\": null");
        assertThat(run(db, null, "refresh", successorId, "--expires-in", "7d").exit()).isZero();
        assertThat(run(db, null, "revoke", successorId).exit()).isZero();
        Result failed = run(db, null, "verify", successor);
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).contains("invalid key: revoked");
        assertThat(run(db, null, "revoke", successorId).exit()).as("already revoked").isEqualTo(1);
        assertThat(run(db, null, "list", "--user", "alice").err()).contains("No active keys");
        assertThat(run(db, null, "list", "--user", "alice", "--all").out()).contains(id, successorId, "revoked");
        assertThat(run(db, null, "purge", id).exit()).isZero();
        assertThat(run(db, null, "show", id).exit()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void accountsListShowsLinksButNeverTokensOrHashes(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        String table = db.table() + "_acc";
        String hash = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
        dev.pkauth.accounts.AccountStore.Builder b = dev.pkauth.accounts.AccountStore.builder().jdbcUrl(db.jdbcUrl()).table(table);
        if (db.user() != null) b.credentials(db.user(), db.password());
        try (dev.pkauth.accounts.AccountStore accounts = b.build()) {
            accounts.link(dev.pkauth.accounts.AccountLink.of("alice", "github", "583231").accessToken("gho_secret_token")
                    .refreshToken("ghr_secret").scope("read:user").build());
            accounts.link(dev.pkauth.accounts.AccountLink.of("alice", "credential", "alice").passwordHash(hash).build());
        }
        Result table1 = run(db, null, "accounts", "list", "--user", "alice", "--accounts-table", table);
        assertThat(table1.exit()).as(table1.err()).isZero();
        assertThat(table1.out()).contains("PROVIDER", "github", "583231", "read:user", "credential", "access refresh", "password");
        Result json = run(db, null, "accounts", "list", "--user", "alice", "--accounts-table", table, "--json");
        assertThat(json.out()).contains("\"provider_id\": \"github\"", "\"has_password\": true");
        for (Result r : List.of(table1, json)) {
            assertThat(r.out() + r.err()).doesNotContain("gho_secret_token", "ghr_secret", hash);
        }
        assertThat(run(db, null, "accounts", "list").exit()).isEqualTo(2);
    }

    @Test
    void usageErrorsExit2WithOneLineAndNoStackTrace() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();
        for (String[] args : List.of(
                new String[] {"bogus"},
                new String[] {"create"},
                new String[] {"create", "--user", "a", "--expires-in", "9x"},
                new String[] {"create", "--user", "a", "--expires-in", "1d", "--expires-at", "2030-01-01T00:00:00Z"},
                new String[] {"create", "--user", "a", "--expires-at", "tomorrow"},
                new String[] {"create", "--user", "a", "--scopes", "a b"},
                new String[] {"refresh", "key_x"},
                new String[] {"--table", "x;drop", "migrate"})) {
            Result r = run(db, null, args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).doesNotContain("\tat ", "Exception");
        }
    }

    @Test
    void unknownIdsExit1AndUnreachableDatabasesExit3() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();
        Result unknown = run(db, null, "revoke", "key_" + "Z".repeat(32));
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no such key");
        assertThat(run(db, null, "verify", "pk.garbage").exit()).isEqualTo(1);

        Result missingFile = run(null, null, "--jdbc-url", "jdbc:sqlite:" + dir.resolve("absent.db"), "list", "--user", "a");
        assertThat(missingFile.exit()).isEqualTo(3);
        assertThat(missingFile.err()).contains("no database at").doesNotContain("\tat ");
        Result refused = run(null, null, "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/none", "list", "--user", "a");
        assertThat(refused.exit()).isEqualTo(3);
        assertThat(refused.err()).contains("store unavailable").doesNotContain("\tat ");
        Result badUrl = run(null, null, "--jdbc-url", "jdbc:mysql://x/y", "migrate");
        assertThat(badUrl.exit()).isEqualTo(2);
        assertThat(badUrl.err()).contains("jdbc:sqlite:");
    }

    static String hex(String pepper, String secret) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Security review findings 2 and 3, as an operator meets them. */
    @org.junit.jupiter.api.Test
    void theKeyCapPagedListsAndPepperMistakesAreClearAtTheCommandLine() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();
        Map<String, String> capTwo = Map.of("PKAUTH_MAX_KEYS_PER_USER", "2");
        assertThat(runWith(db, capTwo, null, "create", "--user", "alice", "--name", "one").exit()).isZero();
        assertThat(runWith(db, capTwo, null, "create", "--user", "alice", "--name", "two").exit()).isZero();
        Result full = runWith(db, capTwo, null, "create", "--user", "alice");
        assertThat(full.exit()).as(full.err()).isEqualTo(1);
        assertThat(full.err()).contains("already has 2 active keys", "PKAUTH_MAX_KEYS_PER_USER");
        assertThat(full.out()).isEmpty();

        Result page = run(db, null, "list", "--user", "alice", "--limit", "1");
        assertThat(page.exit()).isZero();
        assertThat(page.out()).contains("MINTED BY");
        // Both were created in the same second, so the id orders them: one per page, either first.
        String firstName = page.out().contains("  one  ") ? "one" : "two";
        String otherName = firstName.equals("one") ? "two" : "one";
        assertThat(page.out()).contains("  " + firstName + "  ").doesNotContain("  " + otherName + "  ");
        java.util.regex.Matcher next = java.util.regex.Pattern.compile("--after (\\S+)").matcher(page.err());
        assertThat(next.find()).as(page.err()).isTrue();
        Result second = run(db, null, "list", "--user", "alice", "--limit", "1", "--after", next.group(1));
        assertThat(second.out()).contains("  " + otherName + "  ").doesNotContain("  " + firstName + "  ");
        assertThat(second.err()).doesNotContain("--after");

        Result newline = runWith(db, Map.of("PKAUTH_PEPPER", db.pepper() + "\n"), null, "create", "--user", "bob");
        assertThat(newline.exit()).isEqualTo(2);
        assertThat(newline.err()).contains("PKAUTH_PEPPER", "whitespace").doesNotContain(db.pepper());
        Result required = runWith(db, Map.of("PKAUTH_REQUIRE_PEPPER", "1", "PKAUTH_PEPPER", "short"), null, "list", "--user", "x");
        assertThat(required.exit()).isEqualTo(2);
        assertThat(required.err()).contains("at least 32 bytes");
        Result typo = runWith(db, Map.of("PKAUTH_REQUIRE_PEPPER", "ture"), null, "list", "--user", "x");
        assertThat(typo.err()).contains("PKAUTH_REQUIRE_PEPPER", "must be true or false", "ture");

        Result readOnly = runWith(db, Map.of("PKAUTH_JDBC_URL", "jdbc:sqlite:file:" + db.jdbcUrl().substring("jdbc:sqlite:".length())
                + "?mode=ro"), null, "create", "--user", "dave");
        assertThat(readOnly.exit()).isEqualTo(3);
        assertThat(readOnly.err()).contains("pkauth: database is read-only (sqlite, table " + db.table() + "): could not create a key",
                "make it writable").doesNotContain("\tat ");

        String token = run(db, null, "create", "--user", "carol").out().strip();
        Result otherPepper = runWith(db, Map.of("PKAUTH_PEPPER", "the-pepper-of-some-other-deployment"), token + "\n", "verify", "-");
        assertThat(otherPepper.exit()).isEqualTo(1);
        assertThat(otherPepper.err()).contains("invalid key: unknown_pepper", "a pepper this process does not have", "PKAUTH_PEPPER")
                .doesNotContain(db.pepper(), "the-pepper-of-some-other-deployment");

        // Minting under another pepper than the table's keys: a key the application would answer 401 for.
        Map<String, String> other = Map.of("PKAUTH_PEPPER", "the-pepper-of-some-other-deployment");
        int keysBefore = keysOf(db, "erin");
        Result refused = runWith(db, other, null, "create", "--user", "erin");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("refusing to mint", "pepper fingerprint", "--force", "PKAUTH_PEPPER")
                .doesNotContain(db.pepper(), "the-pepper-of-some-other-deployment");
        assertThat(keysOf(db, "erin")).isEqualTo(keysBefore);
        Result forced = runWith(db, other, null, "create", "--user", "erin", "--force");
        assertThat(forced.exit()).as(forced.err()).isZero();
        assertThat(forced.out()).startsWith("pk.key_");
    }

    @org.junit.jupiter.api.Test
    void theReportListsKeysOutsideThePolicyNeverExpiringAndSoonExpiring() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();
        run(db, null, "create", "--user", "forever");
        run(db, null, "create", "--user", "soon", "--expires-in", "2d");
        Result report = runWith(db, Map.of("PKAUTH_REQUIRE_EXPIRY", "true"), null, "report");
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.out()).contains("forever", "outside-policy", "PKAUTH_REQUIRE_EXPIRY", "never-expires", "soon", "expiring");
        assertThat(report.err()).contains("Read 2 keys", "1 outside-policy", "1 never-expires", "1 expiring");
        Result json = run(db, null, "report", "--json");
        com.fasterxml.jackson.databind.JsonNode findings = Output.JSON.readTree(json.out());
        assertThat(findings).as(json.out()).hasSize(2);
        List<String> kinds = new java.util.ArrayList<>();
        findings.forEach(f -> kinds.add(f.get("finding").asText()));
        assertThat(kinds).as("no policy without the setting").containsExactlyInAnyOrder("never-expires", "expiring");
    }

    @org.junit.jupiter.api.Test
    void usageLimitsAreSetShownAndChangedAtTheCommandLine() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();
        Result created = run(db, null, "create", "--user", "alice", "--rate-limit", "100/1m", "--credits", "1000",
                "--refill", "1000/30d");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().strip().substring(3, 39);

        Result shown = run(db, null, "show", id, "--json");
        assertThat(shown.out()).contains("\"rate_limit\": \"100/1m\"", "\"credits\": 1000", "\"refill\": \"1000/30d\"");

        Result changed = run(db, null, "limits", id, "--no-rate-limit", "--credits", "5");
        assertThat(changed.exit()).as(changed.err()).isZero();
        assertThat(changed.out()).contains("5 credits, refill 1000/30d").doesNotContain("100/1m");

        Result bad = run(db, null, "limits", id, "--rate-limit", "lots");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("100/1m");
        assertThat(run(db, null, "limits", "key_" + "x".repeat(32), "--unlimited").exit()).isEqualTo(1);
    }

    @org.junit.jupiter.api.Test
    void operatingKeysAtTheCommandLineIsAudited() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, null, "migrate").exit()).isZero();
        Result created = run(db, null, "create", "--user", "acme", "--allow-ip", "203.0.113.0/24", "--metadata",
                "{\"plan\":\"pro\"}");
        assertThat(created.exit()).as(created.err()).isZero();
        String id = created.out().strip().substring(3, 39);
        assertThat(run(db, null, "create", "--user", "acme").exit()).isZero();
        assertThat(run(db, null, "create", "--user", "other").exit()).isZero();

        assertThat(run(db, null, "show", id, "--json").out())
                .contains("\"allowed_ips\": \"203.0.113.0/24\"", "\"plan\": \"pro\"", "\"disabled_at\": null");
        assertThat(run(db, null, "disable", id).exit()).isZero();
        assertThat(run(db, null, "show", id).out()).contains("disabled");
        assertThat(run(db, null, "disable", id).exit()).as("already disabled").isEqualTo(1);
        assertThat(run(db, null, "enable", id, "--actor", "support:bob").exit()).isZero();

        Result all = run(db, null, "list", "--all-users");
        assertThat(all.out()).contains("acme", "other");
        assertThat(all.err()).contains("3 keys match; 3 shown.");
        Result dry = run(db, null, "sweep", "--unused-for", "1s", "--dry-run");
        assertThat(dry.err()).contains("Would revoke").contains("Nothing changed.");
        assertThat(run(db, null, "purge", "--revoked-before", "0s", "--dry-run").err()).contains("Would delete 0 rows");

        Result offboard = run(db, null, "revoke", "--user", "acme", "--all");
        assertThat(offboard.err()).contains("Revoked 2 keys of acme.");
        assertThat(run(db, null, "revoke", "--user", "acme").exit()).as("--user needs --all").isEqualTo(2);

        Result audit = run(db, null, "audit", "--user", "acme", "--json");
        assertThat(audit.exit()).isZero();
        assertThat(audit.out()).contains("\"action\": \"revoke-all\"", "\"action\": \"enable\"",
                "\"actor\": \"support:bob\"", "\"actor\": \"cli:");
        assertThat(run(db, null, "audit", "--key", id).out()).contains("disable", "enable", "create");
    }

    @org.junit.jupiter.api.Test
    void aUsageErrorIsOneLineAndWhereToReadMore() throws Exception {
        Result r = run(null, null, "create", "--name", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().split("\n")).hasSize(2);
        assertThat(r.err()).contains("--user").contains("see 'pkauth create --help'").doesNotContain("Usage:");
        assertThat(run(null, null, "nonsense").err()).contains("see 'pkauth --help'");
    }

    @org.junit.jupiter.api.Test
    void outputIsConsistentAndThePepperNoteComesOnlyWhereItHashes() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        Result migrated = run(db, null, "migrate");
        assertThat(migrated.err()).contains("Schema ready: table " + db.table() + " in jdbc:sqlite:");
        String token = run(db, null, "create", "--user", "alice").out().strip();
        String id = token.substring(3, 39);

        Result refreshed = run(db, null, "refresh", id, "--expires-in", "1d");
        assertThat(refreshed.err()).matches("(?s).* expires \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\.\\s*");
        assertThat(run(db, null, "verify", token + "\n").exit()).as("a trailing newline is trimmed").isZero();
        Result empty = run(db, null, "verify", " ");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("empty input");
        assertThat(run(db, "\n", "verify", "-").err()).contains("empty input");

        Map<String, String> noPepper = new java.util.HashMap<>();
        noPepper.put("PKAUTH_PEPPER", "");
        Result hashes = runWith(db, noPepper, null, "create", "--user", "bob");
        assertThat(hashes.err()).contains("pkauth: note: PKAUTH_PEPPER is not set").doesNotContain("WARN");
        assertThat(runWith(db, noPepper, null, "list", "--user", "bob").err()).doesNotContain("pepper");

        Result completion = run(null, null, "completion");
        assertThat(completion.exit()).isZero();
        assertThat(completion.out()).contains("complete -F", "pkauth", "sweep", "revoke");
    }
}
