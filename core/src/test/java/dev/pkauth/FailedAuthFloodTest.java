package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.internal.store.FixedWindows;
import dev.pkauth.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 1: floods of guessed keys never reach the database, and cost bounded memory. Guessed ids
 * cost lookups only while the table holds keys without id tags (Pylon's, an older pkauth's; see
 * {@link LeakProofFormatTest} for tables without): the budget rations those, so these tests run
 * on such a table.
 */
class FailedAuthFloodTest {
    @TempDir
    Path dir;

    /** A SQLite store on a table holding one untagged key. */
    ApiKeyStoreBuilder olderTable() throws java.sql.SQLException {
        return dev.pkauth.testing.TestDatabase.create(dev.pkauth.testing.Backend.SQLITE, dir).withUntaggedKey().builder();
    }

    /** Adds an untagged key to the table behind {@code db}. */
    static VerificationCacheTest.CountingSqlite withUntaggedKey(VerificationCacheTest.CountingSqlite db) throws java.sql.SQLException {
        ApiKeyStore.builder().dataSource(db.dataSource).pepper("p").build().close(); // creates the table
        try (java.sql.Connection c = db.dataSource.getConnection(); java.sql.Statement s = c.createStatement()) {
            s.execute("INSERT INTO pkauth_api_keys (id, user_id, secret_hash, created_at) VALUES ('key_" + "O".repeat(32)
                    + "', 'old', '" + "0".repeat(64) + "', 1700000000)");
        }
        return db;
    }

    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

    @Test
    void tenThousandDistinctUnknownIdsFromOneAddressCostAtMostTheBudgetInLookups() throws Exception {
        VerificationCacheTest.CountingSqlite db = withUntaggedKey(new VerificationCacheTest.CountingSqlite(dir.resolve("keys.db")));
        try (ApiKeyStore store = ApiKeyStore.builder().dataSource(db.dataSource).pepper("p").clock(clock)
                .executor(Runnable::run).build()) {
            IssuedKey legit = store.create("alice", null, List.of(), null);
            int before = db.lookups.get();
            String tail = legit.token().substring(39);
            int throttled = 0;
            for (int i = 0; i < 10_000; i++) {
                String id = String.format("%032d", i).replace('0', 'A');
                Verification v = store.verify("pk.key_" + id + tail, "203.0.113.9");
                if (v instanceof Verification.Throttled) throttled++;
                else assertThat(((Verification.Invalid) v).reason()).isEqualTo(Verification.Reason.NOT_FOUND);
            }

            assertThat(db.lookups.get() - before).as("database lookups for 10,000 guesses").isLessThanOrEqualTo(20);
            assertThat(throttled).isEqualTo(10_000 - 20);
            assertThat(store.verify(legit.token(), "198.51.100.1").isValid()).as("another address").isTrue();

            clock.advance(Duration.ofMinutes(1));
            assertThat(store.verify(legit.token(), "203.0.113.9").isValid()).as("the window has passed").isTrue();
        }
    }

    /** Concurrent guesses cannot all pass a check made before any of them was counted. */
    @Test
    void twoHundredSimultaneousGuessesCostExactlyTheBudgetInLookups() throws Exception {
        VerificationCacheTest.CountingSqlite db = withUntaggedKey(new VerificationCacheTest.CountingSqlite(dir.resolve("keys.db")));
        try (ApiKeyStore store = ApiKeyStore.builder().dataSource(db.dataSource).pepper("p").clock(clock)
                .executor(Runnable::run).build()) {
            IssuedKey legit = store.create("alice", null, List.of(), null);
            String tail = legit.token().substring(39);
            int before = db.lookups.get();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(50);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Verification>> answers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    String token = "pk.key_" + String.format("%032d", i).replace('0', 'C') + tail;
                    answers.add(pool.submit(() -> {
                        go.await();
                        return store.verify(token, "203.0.113.77");
                    }));
                }
                go.countDown();
                int throttled = 0;
                for (java.util.concurrent.Future<Verification> f : answers) {
                    if (f.get(60, java.util.concurrent.TimeUnit.SECONDS) instanceof Verification.Throttled) throttled++;
                }
                assertThat(db.lookups.get() - before).as("lookups for 200 simultaneous guesses").isEqualTo(20);
                assertThat(throttled).isEqualTo(180);
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.verify(legit.token(), "203.0.113.78").isValid()).as("a valid key spends no budget").isTrue();
        }
    }

    /** One client usually holds a whole IPv6 /64: rotating through it must not buy a fresh budget. */
    @Test
    void ipv6AddressesShareOneBudgetPerSlash64() throws Exception {
        try (ApiKeyStore store = olderTable().clock(clock).build()) {
            // Distinct guesses: a repeated one would be answered from memory, which is allowed.
            java.util.function.IntFunction<String> guess = i -> "pk.key_" + String.format("%032d", i).replace('0', 'A')
                    + "." + "B".repeat(43);
            for (int i = 0; i < 20; i++) {
                assertThat(store.verify(guess.apply(i), "2001:db8:1:2::" + Integer.toHexString(i + 1)))
                        .isInstanceOf(Verification.Invalid.class);
            }
            assertThat(store.verify(guess.apply(20), "[2001:db8:1:2:ffff::9]")).isInstanceOf(Verification.Throttled.class);
            assertThat(store.verify(guess.apply(21), "2001:db8:1:3::1")).as("another /64")
                    .isInstanceOf(Verification.Invalid.class);
        }
        assertThat(ApiKeyStore.budgetOf("203.0.113.5")).isEqualTo("203.0.113.5");
        for (String mapped : List.of("::ffff:203.0.113.5", "::FFFF:cb00:7105", "[::ffff:203.0.113.5]", "0:0:0:0:0:ffff:cb00:7105")) {
            assertThat(ApiKeyStore.budgetOf(mapped)).as("the IPv4 client, however spelled").isEqualTo("203.0.113.5");
        }
        assertThat(ApiKeyStore.budgetOf("fe80::1%eth0")).isEqualTo(ApiKeyStore.budgetOf("fe80::2"));
    }

    /**
     * PostgreSQL: instances share one budget per address. An address that spent its 20 on one
     * instance costs each other instance at most one lookup before it is throttled there too
     * (each instance counted its own 20 before: two instances, 40 lookups).
     */
    @Test
    void onPostgresTheBudgetIsSharedByEveryInstance() throws Exception {
        dev.pkauth.testing.TestDatabase db = dev.pkauth.testing.TestDatabase.create(dev.pkauth.testing.Backend.POSTGRESQL, dir).withUntaggedKey();
        try (ApiKeyStore a = db.builder().clock(clock).build(); ApiKeyStore b = db.builder().clock(clock).build()) {
            java.util.function.IntFunction<String> guess = i -> "pk.key_" + String.format("%032d", i).replace('0', 'P')
                    + "." + "B".repeat(43);
            int lookups = 0;
            for (int i = 0; i < 20; i++) if (a.verify(guess.apply(i), "203.0.113.50") instanceof Verification.Invalid) lookups++;
            for (int i = 20; i < 60; i++) {
                ApiKeyStore instance = i % 2 == 0 ? b : a;
                if (instance.verify(guess.apply(i), "203.0.113.50") instanceof Verification.Invalid) lookups++;
            }
            assertThat(lookups).as("lookups for 60 guesses over two instances").isEqualTo(21);
            assertThat(b.verify(guess.apply(99), "203.0.113.51")).as("another address").isInstanceOf(Verification.Invalid.class);
            clock.advance(Duration.ofMinutes(1));
            assertThat(b.verify(guess.apply(100), "203.0.113.50")).as("the window ended").isInstanceOf(Verification.Invalid.class);
        }
    }

    /**
     * A client behind an address whose budget a neighbour spent keeps using its valid key, even
     * once the key's row has left the cache; a forged id from that address is still refused
     * without a lookup.
     */
    @Test
    void aKeyThatVerifiedLatelyIsLookedUpFromASpentAddress() throws Exception {
        try (ApiKeyStore store = olderTable().clock(clock).build()) {
            IssuedKey legit = store.create("alice", null, List.of(), null);
            assertThat(store.verify(legit.token(), "203.0.113.90").isValid()).isTrue();
            java.util.function.IntFunction<String> guess = i -> "pk.key_" + String.format("%032d", i).replace('0', 'N')
                    + "." + "B".repeat(43);
            for (int i = 0; i < 21; i++) store.verify(guess.apply(i), "203.0.113.90");
            assertThat(store.verify(guess.apply(99), "203.0.113.90")).isInstanceOf(Verification.Throttled.class);
            clock.advance(Duration.ofSeconds(30)); // past the row cache's TTL, inside the budget's window
            assertThat(store.verify(legit.token(), "203.0.113.90").isValid()).as("the neighbour's key").isTrue();
            assertThat(store.verify(guess.apply(100), "203.0.113.90")).as("a forged id").isInstanceOf(Verification.Throttled.class);
        }
    }

    /**
     * The counters are bounded (100,000 addresses): a flood of one-off addresses used to evict a
     * spent address's counter and so hand it a fresh budget. Spent addresses are kept apart.
     */
    @Test
    void aFloodOfOtherAddressesDoesNotResetASpentOne() throws Exception {
        try (ApiKeyStore store = olderTable().clock(clock).build()) {
            java.util.function.IntFunction<String> guess = i -> "pk.key_" + String.format("%032d", i).replace('0', 'Z')
                    + "." + "B".repeat(43);
            for (int i = 0; i < 20; i++) assertThat(store.verify(guess.apply(i), "203.0.113.66")).isInstanceOf(Verification.Invalid.class);
            assertThat(store.verify(guess.apply(20), "203.0.113.66")).isInstanceOf(Verification.Throttled.class);
            // 250,000 other clients, one rejected key each: more than the counters hold.
            for (int i = 0; i < 250_000; i++) {
                store.verify(guess.apply(1_000_000 + i), "10." + (i >>> 16) + "." + ((i >>> 8) & 0xff) + "." + (i & 0xff));
            }
            assertThat(store.verify(guess.apply(21), "203.0.113.66")).as("still spent").isInstanceOf(Verification.Throttled.class);
            clock.advance(java.time.Duration.ofMinutes(1));
            assertThat(store.verify(guess.apply(22), "203.0.113.66")).as("its window ended").isInstanceOf(Verification.Invalid.class);
        }
    }

    /**
     * A forwarding customizer may pass on what the client wrote (RFC 7239 {@code for=_hidden},
     * {@code unknown}, junk): a client choosing its own "address" must not get a fresh budget each
     * time. Everything that is not an IP address shares one budget, and no allowlist admits it.
     */
    @Test
    void addressesThatAreNotIpAddressesShareOneBudget() throws Exception {
        try (ApiKeyStore store = olderTable().build()) {
            for (int i = 0; i < 20; i++) {
                String guess = "pk.key_" + String.format("%032d", i).replace('0', 'G') + "." + "B".repeat(43);
                assertThat(store.verify(guess, "_obfuscated" + i)).isInstanceOf(Verification.Invalid.class);
            }
            for (String spoofed : List.of("_other", "unknown", "not an address", "1.2.3.4.5", "[zz::1]")) {
                assertThat(store.verify("pk.key_" + "H".repeat(32) + "." + "B".repeat(43), spoofed)).as(spoofed)
                        .isInstanceOf(Verification.Throttled.class);
            }
            assertThat(store.verify("pk.key_" + "H".repeat(32) + "." + "B".repeat(43), "198.51.100.1")).as("a real address")
                    .isInstanceOf(Verification.Invalid.class);
        }
        assertThat(IpAllowlist.parse("0.0.0.0/0,::/0").allows("_obfuscated")).isFalse();
    }

    @Test
    void theBudgetCanBeTurnedOff() {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("p")
                .settings(Settings.of(java.util.Map.of(Settings.FAILED_AUTH_LIMIT, "off"))).build()) {
            String unknown = "pk.key_" + "A".repeat(32) + "." + "B".repeat(43);
            for (int i = 0; i < 100; i++) {
                assertThat(store.verify(unknown, "203.0.113.9")).isInstanceOf(Verification.Invalid.class);
            }
        }
    }

    @Test
    void aFloodOfDistinctAddressesKeepsBoundedMemory() {
        FixedWindows windows = new FixedWindows(1_000, clock, false);
        for (int i = 0; i < 50_000; i++) windows.hit("198.18." + (i >> 8 & 0xff) + "." + (i & 0xff) + "#" + i, 60, 0);
        assertThat(windows.size()).isLessThanOrEqualTo(1_000);
    }
}
