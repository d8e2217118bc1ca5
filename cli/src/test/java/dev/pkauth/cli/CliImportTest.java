package dev.pkauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.UsageLimits;
import dev.pkauth.Verification;
import dev.pkauth.cli.CliRunner.Result;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.Fixtures;
import dev.pkauth.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code pkauth import} against data the source systems wrote: a better-auth database made by
 * better-auth 1.7.21 itself (testing/fixtures/better-auth/make.mjs), whose tokens then verify
 * through pkauth; a CSV of SHA-256 hashes; a JSON file of Argon2 and bcrypt rows made by other
 * implementations; an Unkey-shaped table. Into SQLite and PostgreSQL.
 */
class CliImportTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void logAsTheJarDoes() throws Exception {
        CliRunner.logAsTheJarDoes();
    }

    Result run(TestDatabase db, String... args) {
        return CliRunner.run(db, Map.of(), null, args);
    }

    /** A copy of the committed better-auth database, so reading it leaves the fixture untouched. */
    Path betterAuthCopy() throws Exception {
        Path copy = dir.resolve("auth.db");
        Files.copy(Fixtures.file(Fixtures.BETTER_AUTH_DB), copy);
        return copy;
    }

    /** A clock a day after better-auth minted the keys, so the fixture's expiring key is still valid whenever this runs. */
    static Clock afterMinting(Path authDb) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + authDb);
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT max(createdAt) FROM apikey")) {
            rs.next();
            return Clock.fixed(Instant.parse(rs.getString(1)).plus(Duration.ofDays(1)), ZoneOffset.UTC);
        }
    }

    static Verification.Valid valid(ApiKeyStore store, String token) {
        Verification v = store.verify(token);
        assertThat(v).as(v.toString()).isInstanceOf(Verification.Valid.class);
        return (Verification.Valid) v;
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void keysBetterAuthMintedVerifyThroughPkauthAfterTheImport(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        assertThat(run(db, "migrate").exit()).isZero();
        Path auth = betterAuthCopy();
        String source = "jdbc:sqlite:" + auth;

        Result dry = run(db, "import", "--from", "better-auth", "--source-jdbc-url", source, "--dry-run");
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.err()).contains("Would import 5 keys from better-auth; 0 already there; 0 refused.", "Nothing changed");

        Result first = run(db, "import", "--from", "better-auth", "--source-jdbc-url", source, "--json");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("\"imported\": 5", "\"skipped\": 0", "\"refused\": []");
        assertThat(first.err()).contains("PKAUTH_LEGACY_TOKENS");
        Result again = run(db, "import", "--from", "better-auth", "--source-jdbc-url", source);
        assertThat(again.err()).contains("Imported 0 keys from better-auth; 5 already there; 0 refused.");

        List<Map<String, String>> minted = Fixtures.rows(Fixtures.BETTER_AUTH_TOKENS);
        String plain = Fixtures.row(Fixtures.BETTER_AUTH_TOKENS, "label", "plain").get("key");
        Result undeclared = CliRunner.run(db, Map.of(), plain, "verify", "-");
        assertThat(undeclared.exit()).isEqualTo(PkauthCli.REJECTED);
        assertThat(undeclared.err()).contains("invalid key: malformed", "set PKAUTH_LEGACY_TOKENS");
        Result declared = CliRunner.run(db, Map.of("PKAUTH_LEGACY_TOKENS", "ba_*,*"), plain, "verify", "-");
        assertThat(declared.exit()).as(declared.err()).isZero();
        assertThat(declared.out()).contains("\"user_id\": \"" + Fixtures.row(Fixtures.BETTER_AUTH_TOKENS, "label", "plain").get("user_id"));
        try (ApiKeyStore store = db.builder().legacyTokens("ba_*", "*").clock(afterMinting(auth)).executor(Runnable::run).build()) {
            for (Map<String, String> m : minted) {
                String token = m.get("key");
                if (m.get("label").equals("disabled")) {
                    assertThat(((Verification.Invalid) store.verify(token)).reason()).isEqualTo(Verification.Reason.DISABLED);
                    continue;
                }
                ApiKey key = valid(store, token).key();
                assertThat(key.userId()).as(m.get("label")).isEqualTo(m.get("user_id"));
                assertThat(key.createdActor()).isEqualTo("import:better-auth");
                assertThat(valid(store, token).key().id()).as("again, now as pkauth's own hash").isEqualTo(key.id());
                switch (m.get("label")) {
                    case "plain" -> assertThat(key.scopes()).containsExactly("docs:read", "docs:write");
                    case "metered" -> {
                        assertThat(key.limits().credits()).as("one spent by better-auth's own check").isEqualTo(49L);
                        assertThat(key.limits().refill()).isEqualTo(new UsageLimits.Refill(50, Duration.ofDays(1)));
                        assertThat(key.limits().rateLimit()).isEqualTo(new UsageLimits.RateLimit(10, Duration.ofMinutes(1)));
                        assertThat(key.metadata()).isEqualTo("{\"plan\":\"pro\"}");
                    }
                    case "expiring" -> assertThat(key.expiresAt()).isAfter(key.createdAt().plus(Duration.ofDays(29)));
                    case "unprefixed" -> assertThat(token).doesNotStartWith("ba_");
                    default -> { }
                }
                String wrong = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");
                assertThat(store.verify(wrong).isValid()).isFalse();
            }
        }
    }

    static String sha256Hex(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aCsvOfSha256HashesImportsItsKeysAndNamesTheRowsItRefuses(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        assertThat(run(db, "migrate").exit()).isZero();
        String ci = "acme_" + "c".repeat(40);
        String partner = "acme_" + "p".repeat(40);
        Path csv = dir.resolve("keys.csv");
        Files.writeString(csv, String.join("\n",
                "source_id,user_id,secret_hash,name,scopes,expires_at,metadata,credits",
                "k1,alice," + sha256Hex(ci) + ",CI,docs:read docs:write,,,",
                "k2,bob," + sha256Hex(partner) + ",Partner,docs:read,2099-01-01T00:00:00Z,\"{\"\"plan\"\":\"\"pro\"\",\"\"seats\"\":3}\",100",
                "k3,carol,plaintext-secret,Bad,,,,",
                "k4,,"+ sha256Hex("x") + ",No owner,,,,"), StandardCharsets.UTF_8);

        Result r = run(db, "import", "--from", "csv", csv.toString());
        assertThat(r.exit()).as("some rows refused").isEqualTo(PkauthCli.REJECTED);
        assertThat(r.err()).contains("Imported 2 keys from csv; 0 already there; 2 refused:", "k3: secret_hash is in no form",
                "k4: no user_id").doesNotContain("plaintext-secret");

        try (ApiKeyStore store = db.builder().legacyTokens("acme_*").build()) {
            assertThat(valid(store, ci).key().scopes()).containsExactly("docs:read", "docs:write");
            ApiKey p = valid(store, partner).key();
            assertThat(p.metadata()).isEqualTo("{\"plan\":\"pro\",\"seats\":3}");
            assertThat(p.limits().credits()).isEqualTo(100L);
            assertThat(p.expiresAt()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aJsonFileOfArgon2AndBcryptRowsKeepsItsTokensWorking(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        assertThat(run(db, "migrate").exit()).isZero();
        StringBuilder json = new StringBuilder("[");
        List<String> schemes = List.of("argon2id", "bcrypt-2y");
        for (String scheme : schemes) {
            Map<String, String> f = Fixtures.row(Fixtures.FOREIGN_HASHES, "scheme", scheme);
            if (json.length() > 1) json.append(',');
            json.append("{\"key_id\":\"").append(f.get("id")).append("\",\"user_id\":\"pylon-user\",\"secret_hash\":\"")
                    .append(f.get("secret_hash")).append("\",\"scopes\":[\"read\"],\"created_at\":1700000000}");
        }
        Path file = dir.resolve("keys.json");
        Files.writeString(file, json.append(']').toString());

        Result r = run(db, "import", "--from", "json", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Imported 2 keys from json").doesNotContain("PKAUTH_LEGACY_TOKENS");
        try (ApiKeyStore store = db.builder().executor(Runnable::run).build()) {
            for (String scheme : schemes) {
                ApiKey k = valid(store, Fixtures.row(Fixtures.FOREIGN_HASHES, "scheme", scheme).get("token")).key();
                assertThat(k.scopes()).containsExactly("read");
                assertThat(k.createdAt()).isEqualTo(Instant.ofEpochSecond(1700000000));
            }
        }
    }

    @Test
    void anUnkeyKeysTableImportsItsLiveKeysAndRefusesDeletedOnes() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, "migrate").exit()).isZero();
        String live = "uk_" + "L".repeat(30);
        Path unkey = dir.resolve("unkey.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + unkey); Statement s = c.createStatement()) {
            // Unkey's keys table, the columns an import reads (its MySQL schema, in SQLite).
            s.execute("CREATE TABLE keys (id TEXT PRIMARY KEY, key_auth_id TEXT, hash TEXT NOT NULL, start TEXT, workspace_id TEXT,"
                    + " name TEXT, owner_id TEXT, identity_id TEXT, meta TEXT, expires TEXT, created_at_m INTEGER,"
                    + " deleted_at_m INTEGER, refill_day INTEGER, refill_amount INTEGER, enabled INTEGER,"
                    + " remaining_requests INTEGER, ratelimit_limit INTEGER, ratelimit_duration INTEGER)");
            s.execute("INSERT INTO keys VALUES ('key_live', 'ka', '" + sha256Hex(live) + "', 'uk_LLL', 'ws_1', 'prod', 'cus_9', NULL,"
                    + " '{\"tier\":\"gold\"}', '2099-12-31 23:59:59', 1700000000000, NULL, 1, 1000, 1, 250, 60, 60000)");
            s.execute("INSERT INTO keys VALUES ('key_gone', 'ka', '" + sha256Hex("uk_" + "G".repeat(30)) + "', 'uk_GGG', 'ws_1',"
                    + " 'old', 'cus_9', NULL, NULL, NULL, 1700000000000, 1700000500000, NULL, NULL, 1, NULL, NULL, NULL)");
        }
        Result r = run(db, "import", "--from", "unkey", "--source-jdbc-url", "jdbc:sqlite:" + unkey);
        assertThat(r.err()).contains("Imported 1 key from unkey; 0 already there; 1 refused:", "key_gone: deleted in Unkey");

        try (ApiKeyStore store = db.builder().legacyTokens("uk_*").build()) {
            ApiKey k = valid(store, live).key();
            assertThat(k.userId()).isEqualTo("cus_9");
            assertThat(k.prefix()).isEqualTo("uk_LLL");
            assertThat(k.metadata()).isEqualTo("{\"tier\":\"gold\"}");
            assertThat(k.limits()).isEqualTo(new UsageLimits(new UsageLimits.RateLimit(60, Duration.ofMinutes(1)), 250L,
                    new UsageLimits.Refill(1000, Duration.ofDays(30))));
            assertThat(k.expiresAt()).isEqualTo(Instant.parse("2099-12-31T23:59:59Z"));
        }
    }

    @Test
    void mistakesAreUsageErrorsThatNameWhatIsWrong() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        assertThat(run(db, "migrate").exit()).isZero();
        Result from = run(db, "import", "--from", "auth0");
        assertThat(from.exit()).isEqualTo(PkauthCli.USAGE);
        assertThat(from.err()).contains("--from must be better-auth, unkey, csv or json");
        Result noFile = run(db, "import", "--from", "csv");
        assertThat(noFile.exit()).isEqualTo(PkauthCli.USAGE);
        assertThat(noFile.err()).contains("needs a FILE");
        Result noTable = run(db, "import", "--from", "better-auth", "--source-jdbc-url", "jdbc:sqlite:" + dir.resolve("empty.db"));
        assertThat(noTable.exit()).isEqualTo(PkauthCli.UNAVAILABLE);
        assertThat(noTable.err()).contains("cannot read the source database");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "[{\"user_id\":\"a\"");
        Result malformed = run(db, "import", "--from", "json", broken.toString());
        assertThat(malformed.exit()).isEqualTo(PkauthCli.USAGE);
        assertThat(malformed.err()).contains("cannot be read");
    }
}
