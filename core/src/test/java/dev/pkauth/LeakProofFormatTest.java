package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.MutableClock;
import dev.pkauth.testing.PostgresSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The leak-proof token format on every backend: new keys carry a checksum and a tagged id, a
 * mistyped or forged token is refused without a lookup, untagged (older, Pylon's) keys keep
 * verifying, a deployment's own prefix, and Pylon's rules verify the new keys.
 */
class LeakProofFormatTest {
    static final String PEPPER = "leak-proof-format-test-pepper-0123456789";
    static final String UNTAGGED_ID = "key_" + "Untagged".repeat(4);
    static final String UNTAGGED_SECRET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-06-01T00:00:00Z");

    ApiKeyStoreBuilder builder(Backend backend, String table) {
        return backend.builderFor(dir, table).pepper(PEPPER).clock(clock).executor(Runnable::run);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aMistypedTokenIsMalformedAndAForgedIdUnknownWithoutALookup(Backend backend) {
        try (ApiKeyStore store = builder(backend, PostgresSupport.uniqueTable("fmt")).build()) {
            String token = store.create("alice", null, List.of(), null).token();
            assertThat(store.verify(token).isValid()).isTrue();
            store.flush();
            long misses = store.cacheMisses();
            char last = token.charAt(60);
            String mistyped = token.substring(0, 60) + (last == 'x' ? 'y' : 'x') + token.substring(61);
            assertThat(store.verify(mistyped)).isEqualTo(new Verification.Invalid(Verification.Reason.MALFORMED, token.substring(0, 16)));
            for (int i = 0; i < 1000; i++) {
                String forged = "pk.key_" + String.format("%032d", i).replace('0', 'F') + token.substring(39);
                assertThat(((Verification.Invalid) store.verify(forged)).reason()).isEqualTo(Verification.Reason.NOT_FOUND);
            }
            assertThat(store.cacheMisses() - misses).as("database lookups for a mistyped token and 1,000 forged ids").isZero();
        }
    }

    /** The issue's measure: 100,000 forged well-formed tokens from 1,000 addresses reach the database not once. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aFloodOfForgedTokensFromManyAddressesCostsNoLookup(Backend backend) {
        try (ApiKeyStore store = builder(backend, PostgresSupport.uniqueTable("flood")).build()) {
            IssuedKey legit = store.create("alice", null, List.of(), null);
            assertThat(store.verify(legit.token(), "198.18.0.1").isValid()).isTrue();
            long misses = store.cacheMisses();
            java.util.Random random = new java.util.Random(7);
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            int throttled = 0;
            for (int i = 0; i < 100_000; i++) {
                StringBuilder id = new StringBuilder(32);
                for (int c = 0; c < 32; c++) id.append(alphabet.charAt(random.nextInt(64)));
                Verification v = store.verify("pk.key_" + id + legit.token().substring(39), "198.18." + (i % 1000 / 250) + "." + (i % 250));
                if (v instanceof Verification.Throttled) throttled++;
                else assertThat(((Verification.Invalid) v).reason()).isEqualTo(Verification.Reason.NOT_FOUND);
            }
            assertThat(store.cacheMisses() - misses).as("database lookups for 100,000 forged tokens").isZero();
            assertThat(throttled).as("refused without a lookup, so never throttled").isZero();
            // The forgeries still count against their addresses: a key not yet in memory waits there,
            // one that verified lately does not.
            assertThat(store.verify(legit.token(), "198.18.0.1").isValid()).as("a key that verified lately").isTrue();
            IssuedKey fresh = store.create("alice", null, List.of(), null);
            assertThat(store.verify(fresh.token(), "198.18.0.2")).as("a spent address").isInstanceOf(Verification.Throttled.class);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void untaggedKeysKeepVerifyingAndMakeUntaggedIdsLookedUp(Backend backend) throws Exception {
        String table = PostgresSupport.uniqueTable("legacy");
        try (ApiKeyStore store = builder(backend, table).build()) {
            store.create("bob", null, List.of(), null);
        }
        insertUntagged(backend, table);
        try (ApiKeyStore store = builder(backend, table).build()) {
            assertThat(store.verify("pk." + UNTAGGED_ID + "." + UNTAGGED_SECRET).isValid()).as("an untagged key").isTrue();
            long misses = store.cacheMisses();
            String unknown = "pk.key_" + "Q".repeat(32) + "." + UNTAGGED_SECRET;
            assertThat(((Verification.Invalid) store.verify(unknown)).reason()).isEqualTo(Verification.Reason.NOT_FOUND);
            assertThat(store.cacheMisses() - misses).as("an untagged id is looked up while untagged keys exist").isEqualTo(1);
            // Purging the last untagged key lets the store refuse untagged ids without a lookup again.
            assertThat(store.operations().purge(UNTAGGED_ID)).isTrue();
        }
        try (ApiKeyStore store = builder(backend, table).build()) {
            long misses = store.cacheMisses();
            store.verify("pk.key_" + "R".repeat(32) + "." + UNTAGGED_SECRET);
            assertThat(store.cacheMisses() - misses).isZero();
        }
    }

    /** Another writer (Pylon, an older pkauth during a rolling upgrade) adds an untagged key: it verifies within seconds. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void anUntaggedKeyWrittenLaterVerifiesOnceTheStoreRechecks(Backend backend) throws Exception {
        String table = PostgresSupport.uniqueTable("later");
        try (ApiKeyStore store = builder(backend, table).cacheTtl(Duration.ZERO).build()) {
            insertUntagged(backend, table);
            String token = "pk." + UNTAGGED_ID + "." + UNTAGGED_SECRET;
            assertThat(store.verify(token).isValid()).as("before the recheck").isFalse();
            clock.advance(Duration.ofSeconds(11));
            store.verify(token); // refused again, and starts the recheck (run inline here)
            assertThat(store.verify(token).isValid()).as("after the recheck").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDeploymentsOwnPrefixAndItsEarlierOnes(Backend backend) {
        String table = PostgresSupport.uniqueTable("prefix");
        String pkToken;
        try (ApiKeyStore store = builder(backend, table).build()) {
            pkToken = store.create("carol", null, List.of(), null).token();
            if (backend == Backend.IN_MEMORY) return; // memory does not outlive its store
        }
        try (ApiKeyStore acme = builder(backend, table).tokenPrefix("acme").build()) {
            IssuedKey k = acme.create("carol", null, List.of(), null);
            assertThat(k.token()).startsWith("acme.key_").hasSize(85).matches(acme.tokenPattern().regex());
            assertThat(acme.tokenPattern().hasChecksum(k.token())).isTrue();
            assertThat(k.key().prefix()).isEqualTo(k.token().substring(0, 18));
            assertThat(acme.verify(k.token()).isValid()).isTrue();
            assertThat(((Verification.Invalid) acme.verify(pkToken)).reason()).as("pk no longer listed").isEqualTo(Verification.Reason.MALFORMED);
            assertThat(acme.verify("pk" + k.token().substring(4)).isValid()).as("another prefix on the same key").isFalse();
        }
        try (ApiKeyStore acme = builder(backend, table).settings(Settings.of(java.util.Map.of(
                Settings.TOKEN_PREFIX, "acme", Settings.TOKEN_PREFIX_PREVIOUS, "pk"))).build()) {
            assertThat(acme.verify(pkToken).isValid()).as("an earlier prefix, listed").isTrue();
            assertThat(acme.tokenPattern().prefixes()).containsExactly("acme", "pk");
        }
    }

    /** The id tag does not depend on the pepper: after a pepper rotation old ids still pass and forged ones are still refused unseen. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void tagsSurviveAPepperRotation(Backend backend) {
        String table = PostgresSupport.uniqueTable("rotation");
        String token;
        try (ApiKeyStore store = builder(backend, table).build()) {
            token = store.create("frank", null, List.of(), null).token();
        }
        try (ApiKeyStore rotated = backend.builderFor(dir, table).pepper(PEPPER + "-new").previousPeppers(PEPPER).clock(clock)
                .executor(Runnable::run).build()) {
            assertThat(rotated.verify(token).isValid()).as("re-hashed under the new pepper").isTrue();
        }
        try (ApiKeyStore newOnly = backend.builderFor(dir, table).pepper(PEPPER + "-new").clock(clock).executor(Runnable::run)
                .build()) {
            assertThat(newOnly.verify(token).isValid()).as("the old pepper gone, the id still passes its tag").isTrue();
            long misses = newOnly.cacheMisses();
            newOnly.verify("pk.key_" + "Z".repeat(32) + token.substring(39));
            assertThat(newOnly.cacheMisses() - misses).as("a forged id after the rotation").isZero();
        }
    }

    /** Pylon hashes the 43 secret characters with the pepper: a new key's row is exactly that, so Pylon verifies it. */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void pylonsRulesVerifyANewKey(Backend backend) throws Exception {
        String table = PostgresSupport.uniqueTable("pylon");
        String token;
        try (ApiKeyStore store = builder(backend, table).build()) {
            token = store.create("dave", null, List.of("read"), null).token();
        }
        String id = token.substring(3, 39);
        String secret = token.substring(40);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PEPPER.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String pylonHash = HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII)));
        try (Connection c = connect(backend); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT secret_hash, prefix FROM " + table + " WHERE id = '" + id + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(pylonHash);
            assertThat(rs.getString(2)).isEqualTo(token.substring(0, 16));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void inspectingAKeyDoesNotUseIt(Backend backend) throws Exception {
        try (ApiKeyStore store = builder(backend, PostgresSupport.uniqueTable("inspect")).build()) {
            IssuedKey k = store.create("erin", null, List.of(), null);
            assertThat(store.inspect(k.token(), "203.0.113.5").isValid()).isTrue();
            store.flush();
            assertThat(store.find(k.key().id()).orElseThrow().lastUsedAt()).isNull();
            assertThat(store.verify(k.token(), "203.0.113.5").isValid()).isTrue();
            store.flush();
            assertThat(store.find(k.key().id()).orElseThrow().lastUsedAt()).isNotNull();
        }
    }

    void insertUntagged(Backend backend, String table) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PEPPER.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String hash = HexFormat.of().formatHex(mac.doFinal(UNTAGGED_SECRET.getBytes(StandardCharsets.US_ASCII)));
        try (Connection c = connect(backend); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " (id, user_id, name, prefix, secret_hash, scopes, created_at) VALUES ('"
                    + UNTAGGED_ID + "', 'old', 'pylon key', 'pk.key_Untagged', '" + hash + "', '', 1700000000)");
        }
    }

    Connection connect(Backend backend) throws Exception {
        if (backend == Backend.SQLITE) return PersistentStoreContract.connect(Backend.sqliteUrl(dir), null, null);
        PostgresSupport.Connection pg = PostgresSupport.get();
        return PersistentStoreContract.connect(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
