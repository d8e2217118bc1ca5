package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.Fixtures;
import dev.pkauth.testing.MutableClock;
import dev.pkauth.testing.PostgresSupport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys of other systems: imported with their hashes (made outside pkauth, see
 * testing/fixtures/foreign-hashes), verified once under their own scheme, then stored as pkauth's
 * HMAC; legacy tokens found by their SHA-256; imports that run twice change nothing. The same on
 * every SQL backend.
 */
abstract class ImportContract {
    static final String PEPPER = "import-pepper";

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-12-01T00:00:00Z");
    final String table = PostgresSupport.uniqueTable("imported");
    final List<ApiKeyStore> opened = new ArrayList<>();

    abstract Backend backend();

    ApiKeyStore open(java.util.function.UnaryOperator<ApiKeyStoreBuilder> more) {
        ApiKeyStore s = more.apply(backend().builderFor(dir, table).pepper(PEPPER).clock(clock).executor(Runnable::run)).build();
        opened.add(s);
        return s;
    }

    ApiKeyStore open() {
        return open(b -> b.legacyTokens("sk_live_*"));
    }

    @AfterEach
    void closeAll() {
        opened.forEach(ApiKeyStore::close);
    }

    static Map<String, String> fixture(String scheme) {
        return Fixtures.row(Fixtures.FOREIGN_HASHES, "scheme", scheme);
    }

    /** A fixture key as an import of it: with its id when its token carries one. */
    static ImportedKey imported(Map<String, String> f, String user) {
        String id = f.get("id").isEmpty() ? null : f.get("id");
        return new ImportedKey(f.get("scheme"), user, f.get("secret_hash"), id, null, KeySpec.of(f.get("scheme"), List.of("docs:read")),
                Instant.parse("2025-06-01T00:00:00Z"), true);
    }

    static Verification.Reason reason(Verification v) {
        return ((Verification.Invalid) v).reason();
    }

    static String wrongSecret(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    List<String> upgrades(ApiKeyStore store, String keyId) {
        return store.operations().auditLog(keyId, null, null, 50, null).stream().filter(e -> e.action().equals("upgrade-hash"))
                .map(AuditEvent::detail).toList();
    }

    /** The row's secret_hash and pepper_id, as the table holds them. */
    String[] stored(String keyId) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT secret_hash, pepper_id FROM " + table + " WHERE id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row " + keyId).isTrue();
                return new String[] {rs.getString(1), rs.getString(2)};
            }
        }
    }

    Connection connect() throws Exception {
        if (backend() == Backend.SQLITE) return PersistentStoreContract.connect(Backend.sqliteUrl(dir), null, null);
        PostgresSupport.Connection pg = PostgresSupport.get();
        return PersistentStoreContract.connect(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @Test
    void argon2BcryptAndSha256RowsVerifyOnceThenHoldPkauthsHmac() throws Exception {
        ApiKeyStore store = open();
        List<String> schemes = List.of("argon2id", "argon2i", "bcrypt-2a", "bcrypt-2b", "bcrypt-2y", "sha256-hex");
        ImportResult r = store.operations().importKeys("pylon", schemes.stream().map(s -> imported(fixture(s), "alice")).toList(),
                false, null);
        assertThat(r).isEqualTo(new ImportResult(schemes.size(), 0, List.of()));

        for (String scheme : schemes) {
            Map<String, String> f = fixture(scheme);
            String token = f.get("token");
            assertThat(reason(store.verify(wrongSecret(token)))).as(scheme).isEqualTo(Verification.Reason.BAD_SECRET);
            assertThat(upgrades(store, f.get("id"))).as("a wrong secret upgrades nothing").isEmpty();
            assertThat(stored(f.get("id"))[0]).isEqualTo(f.get("secret_hash"));

            Verification v = store.verify(token);
            assertThat(v.isValid()).as(scheme).isTrue();
            ApiKey key = ((Verification.Valid) v).key();
            assertThat(key.userId()).isEqualTo("alice");
            assertThat(key.scopes()).containsExactly("docs:read");
            assertThat(key.createdAt()).isEqualTo(Instant.parse("2025-06-01T00:00:00Z"));

            String[] row = stored(f.get("id"));
            assertThat(row[0]).as(scheme + " now holds pkauth's HMAC").matches("[0-9a-f]{64}").isNotEqualTo(f.get("secret_hash"));
            assertThat(row[1]).isEqualTo(store.operations().pepperFingerprint());
            assertThat(upgrades(store, f.get("id"))).containsExactly("{\"from\":\"" + scheme.replaceAll("-.*", "") + "\"}");
            assertThat(store.verify(token).isValid()).as("and verifies as pkauth's").isTrue();
            assertThat(reason(store.verify(wrongSecret(token)))).isEqualTo(Verification.Reason.BAD_SECRET);
        }
        // A second process (no cache shared) reads the upgraded rows as its own.
        try (ApiKeyStore other = backend().builderFor(dir, table).pepper(PEPPER).build()) {
            for (String scheme : schemes) assertThat(other.verify(fixture(scheme).get("token")).isValid()).as(scheme).isTrue();
        }
    }

    @Test
    void legacyTokensAreFoundByTheirSha256AndAnswerLikeAnyKey() throws Exception {
        ApiKeyStore store = open();
        List<String> schemes = List.of("sha256-base64url", "sha256-base64", "sha256-hex-legacy");
        ImportResult r = store.operations().importKeys("better-auth",
                schemes.stream().map(s -> imported(fixture(s), "bob")).toList(), false, null);
        assertThat(r.imported()).isEqualTo(3);

        for (String scheme : schemes) {
            String token = fixture(scheme).get("token");
            Verification v = store.verify(token);
            assertThat(v.isValid()).as(scheme).isTrue();
            ApiKey key = ((Verification.Valid) v).key();
            assertThat(key.userId()).isEqualTo("bob");
            assertThat(key.createdActor()).isEqualTo("import:better-auth");
            assertThat(stored(key.id())[0]).as("upgraded").matches("[0-9a-f]{64}");
            assertThat(store.verify(token).isValid()).as(scheme + ", again, upgraded").isTrue();
            assertThat(reason(store.verify(wrongSecret(token)))).isEqualTo(Verification.Reason.NOT_FOUND);
        }
        String revoked = ((Verification.Valid) store.verify(fixture("sha256-base64").get("token"))).key().id();
        assertThat(store.revoke(revoked)).isTrue();
        assertThat(reason(store.verify(fixture("sha256-base64").get("token")))).isEqualTo(Verification.Reason.REVOKED);

        assertThat(reason(store.verify("sk_test_" + "a".repeat(40)))).as("not a declared shape").isEqualTo(Verification.Reason.MALFORMED);
        assertThat(reason(store.verify("sk_live_short"))).isEqualTo(Verification.Reason.MALFORMED);
        try (ApiKeyStore undeclared = backend().builderFor(dir, table).pepper(PEPPER).build()) {
            assertThat(reason(undeclared.verify(fixture("sha256-hex-legacy").get("token"))))
                    .as("without legacy-tokens, a token without an id is malformed").isEqualTo(Verification.Reason.MALFORMED);
        }
    }

    @Test
    void guessedLegacyTokensSpendTheAddressesFailedAuthBudgetLikeAnyGuess() {
        ApiKeyStore store = open();
        Map<String, String> f = fixture("sha256-base64url");
        store.operations().importKeys("better-auth", List.of(imported(f, "bob")), false, null);
        assertThat(store.verify(f.get("token"), "198.51.100.7").isValid()).as("known before the flood").isTrue();
        List<Verification> answers = new ArrayList<>();
        for (int i = 0; i < 30; i++) answers.add(store.verify("sk_live_guess" + "x".repeat(20) + i, "203.0.113.9"));
        assertThat(answers).filteredOn(v -> v instanceof Verification.Throttled).as("past the 20 of the budget").hasSize(10);
        assertThat(store.verify(f.get("token"), "198.51.100.7").isValid()).as("another address is not affected").isTrue();
        assertThat(store.verify(f.get("token"), "203.0.113.9").isValid()).as("a key that verified lately is no guess")
                .isTrue();
    }

    @Test
    void anImportRunAgainChangesNothingAndALaterOneAddsOnlyNewKeys() {
        ApiKeyStore store = open();
        List<ImportedKey> first = List.of(imported(fixture("sha256-hex"), "alice"), imported(fixture("bcrypt-2b"), "alice"));
        assertThat(store.operations().importKeys("pylon", first, false, null)).isEqualTo(new ImportResult(2, 0, List.of()));
        assertThat(store.operations().importKeys("pylon", first, false, null)).isEqualTo(new ImportResult(0, 2, List.of()));

        List<ImportedKey> later = new ArrayList<>(first);
        later.add(imported(fixture("argon2id"), "alice"));
        assertThat(store.operations().importKeys("pylon", later, true, null)).as("dry run").isEqualTo(new ImportResult(1, 2, List.of()));
        assertThat(store.find(fixture("argon2id").get("id"))).as("a dry run writes nothing").isEmpty();
        assertThat(store.operations().importKeys("pylon", later, false, null)).isEqualTo(new ImportResult(1, 2, List.of()));
        assertThat(store.list("alice")).hasSize(3);
        assertThat(store.operations().auditLog(null, "alice", null, 50, null).stream().filter(e -> e.action().equals("import")))
                .hasSize(3);

        // Once upgraded, its hash is no longer the source's: a re-run still knows the key by its source id.
        assertThat(store.verify(fixture("sha256-hex").get("token")).isValid()).isTrue();
        assertThat(store.operations().importKeys("pylon", later, false, null)).isEqualTo(new ImportResult(0, 3, List.of()));
    }

    @Test
    void keysThatCannotBeImportedAreRefusedWithTheirReasonAndTheRestGoOn() {
        ApiKeyStore store = open();
        Map<String, String> argon = fixture("argon2id");
        List<ImportedKey> keys = List.of(
                new ImportedKey("plain", "alice", "not-a-hash-of-any-kind", null, null, KeySpec.of("x", List.of()), null, true),
                new ImportedKey("argon-no-id", "alice", argon.get("secret_hash"), null, null, KeySpec.of("x", List.of()), null, true),
                new ImportedKey("costly", "alice", "$argon2id$v=19$m=1048576,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$"
                        + "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI", argon.get("id"), null, KeySpec.of("x", List.of()), null, true),
                new ImportedKey("bad-scope", "alice", fixture("sha256-hex").get("secret_hash"), null, null,
                        KeySpec.of("x", List.of("has space")), null, true),
                new ImportedKey("bad-id", "alice", fixture("sha256-hex").get("secret_hash"), "key_short", null,
                        KeySpec.of("x", List.of()), null, true),
                imported(fixture("bcrypt-2a"), "alice"));
        ImportResult r = store.operations().importKeys("csv", keys, false, null);

        assertThat(r.imported()).isEqualTo(1);
        assertThat(r.refused()).extracting(ImportResult.Refusal::sourceId)
                .containsExactly("plain", "argon-no-id", "costly", "bad-scope", "bad-id");
        assertThat(r.refused().get(0).reason()).contains("no form pkauth verifies");
        assertThat(r.refused().get(1).reason()).contains("carry their key id");
        assertThat(r.refused().get(2).reason()).contains("Argon2 parameters outside");
        assertThat(r.refused().get(3).reason()).contains("scope");
        for (ImportResult.Refusal f : r.refused()) assertThat(f.reason()).doesNotContain("$argon2id$").doesNotContain("not-a-hash");
    }

    @Test
    void disabledExpiredLimitedAndOutOfPolicyKeysArriveAsTheyWere() {
        ApiKeyStore store = open();
        Map<String, String> hex = fixture("sha256-hex");
        Map<String, String> b = fixture("bcrypt-2b");
        Map<String, String> legacy = fixture("sha256-base64url");
        UsageLimits limits = new UsageLimits(new UsageLimits.RateLimit(10, Duration.ofDays(1)), 49L,
                new UsageLimits.Refill(50, Duration.ofDays(1)));
        store.operations().importKeys("better-auth", List.of(
                new ImportedKey("off", "bob", hex.get("secret_hash"), hex.get("id"), null, KeySpec.of("off", List.of()), null, false),
                new ImportedKey("old", "bob", b.get("secret_hash"), b.get("id"), null,
                        KeySpec.of("old", List.of()).expiresAt(clock.instant().minusSeconds(60)), null, true),
                new ImportedKey("metered", "bob", legacy.get("secret_hash"), null, "sk_live_abc",
                        KeySpec.of("metered", List.of()).limits(limits).metadata("{\"plan\":\"pro\"}"), null, true)),
                false, null);

        assertThat(reason(store.verify(hex.get("token")))).isEqualTo(Verification.Reason.DISABLED);
        assertThat(reason(store.verify(b.get("token")))).isEqualTo(Verification.Reason.EXPIRED);
        ApiKey metered = ((Verification.Valid) store.verify(legacy.get("token"))).key();
        assertThat(metered.limits()).isEqualTo(limits);
        assertThat(metered.metadata()).isEqualTo("{\"plan\":\"pro\"}");
        assertThat(metered.prefix()).isEqualTo("sk_live_abc");
        assertThat(store.consume(((Verification.Valid) store.verify(legacy.get("token"))).principal(), 1).allowed()).isTrue();

        try (ApiKeyStore strict = backend().builderFor(dir, table).pepper(PEPPER).legacyTokens("sk_live_*")
                .keyPolicy(new KeyPolicy(null, true, false)).build()) {
            assertThat(reason(strict.verify(legacy.get("token")))).as("imported beyond the policy: refused, not revoked")
                    .isEqualTo(Verification.Reason.POLICY);
        }
        assertThat(store.verify(legacy.get("token")).isValid()).isTrue();
    }

    @Test
    void aKeyWhoseLastUseTheSourceDoesNotSayCountsAsUsedAtTheImportSoASweepSparesIt() {
        ApiKeyStore store = open();
        Map<String, String> a = fixture("sha256-hex");
        Map<String, String> b = fixture("bcrypt-2a");
        java.time.Instant longAgo = Instant.parse("2024-01-01T00:00:00Z");
        store.operations().importKeys("csv", List.of(
                new ImportedKey("unknown-use", "dora", a.get("secret_hash"), a.get("id"), null, KeySpec.of("a", List.of()), longAgo, true),
                new ImportedKey("known-use", "dora", b.get("secret_hash"), b.get("id"), null, KeySpec.of("b", List.of()), longAgo, true,
                        longAgo.plus(Duration.ofDays(1)))), false, null);
        assertThat(store.find(a.get("id")).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
        assertThat(store.find(b.get("id")).orElseThrow().lastUsedAt()).isEqualTo(longAgo.plus(Duration.ofDays(1)));
        assertThat(store.operations().count(KeyQuery.allUsers().unusedFor(Duration.ofDays(90))))
                .as("only the key the source says was idle").isEqualTo(1);
    }

    @Test
    void concurrentFirstUsesOfOneArgon2KeyUpgradeItOnce() throws Exception {
        ApiKeyStore store = open();
        Map<String, String> f = fixture("argon2id");
        store.operations().importKeys("pylon", List.of(imported(f, "alice")), false, null);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.verify(f.get("token")).isValid();
                }));
            }
            start.countDown();
            for (Future<Boolean> r : results) assertThat(r.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(upgrades(store, f.get("id"))).hasSize(1);
    }

    @Test
    void aPylonTableHoldingArgon2PhcRowsVerifiesThemInPlace() throws Exception {
        Map<String, String> f = fixture("argon2id");
        String integer = backend() == Backend.SQLITE ? "INTEGER" : "BIGINT";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                    + "name TEXT NOT NULL DEFAULT '', prefix TEXT NOT NULL DEFAULT '', secret_hash TEXT NOT NULL, "
                    + "scopes TEXT, expires_at " + integer + ", last_used_at " + integer + ", created_at " + integer + " NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                    + " (id, user_id, name, prefix, secret_hash, scopes, created_at) VALUES (?, 'u1', 'pylon', '', ?, 'read', 1700000000)")) {
                ps.setString(1, f.get("id"));
                ps.setString(2, f.get("secret_hash"));
                ps.executeUpdate();
            }
        }
        ApiKeyStore store = open(b -> b);
        assertThat(reason(store.verify(wrongSecret(f.get("token"))))).isEqualTo(Verification.Reason.BAD_SECRET);
        assertThat(store.verify(f.get("token")).isValid()).isTrue();
        assertThat(stored(f.get("id"))[0]).matches("[0-9a-f]{64}");
        assertThat(upgrades(store, f.get("id"))).containsExactly("{\"from\":\"argon2id\"}");
    }
}
