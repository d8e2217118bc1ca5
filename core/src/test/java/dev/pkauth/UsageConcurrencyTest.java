package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.UsageLimits.RateLimit;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits held across instances: three stores with pools of their own on one PostgreSQL database,
 * as three processes would have, 8 threads each, all metering one key at once.
 */
class UsageConcurrencyTest {
    static final int STORES = 3;
    static final int THREADS = 8;

    @TempDir
    Path dir;

    /** Runs {@code attempts} admissions on every thread of every store; returns how many were allowed. */
    static int hammer(TestDatabase db, IssuedKey key, int attempts, Function<ApiKeyStore, Usage> meter) throws Exception {
        List<ApiKeyStore> stores = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(STORES * THREADS);
        try {
            for (int s = 0; s < STORES; s++) {
                String url = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=instance" + s;
                ApiKeyStoreBuilder b = ApiKeyStore.builder().jdbcUrl(url).table(db.table()).pepper(db.pepper())
                        .poolSize(THREADS);
                if (db.user() != null) b.credentials(db.user(), db.password());
                stores.add(b.build());
            }
            AtomicInteger allowed = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> work = new ArrayList<>();
            for (ApiKeyStore store : stores) {
                for (int t = 0; t < THREADS; t++) {
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < attempts; i++) if (meter.apply(store).allowed()) allowed.incrementAndGet();
                        return null;
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : work) f.get(); // any failure in a worker fails the test here
            return allowed.get();
        } finally {
            pool.shutdown();
            for (ApiKeyStore s : stores) s.close();
        }
    }

    static ApiKeyPrincipal principal(ApiKeyStore store, IssuedKey k) {
        return ((Verification.Valid) store.verify(k.token())).principal();
    }

    @Test
    void aThousandCreditsAdmitExactlyAThousandRequestsAcrossThreeInstances() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        IssuedKey key;
        try (ApiKeyStore setup = db.builder().build()) {
            key = setup.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withCredits(1000)));
        }
        // 3 × 8 × 50 = 1,200 attempts for 1,000 credits.
        int allowed = hammer(db, key, 50, store -> store.admit(principal(store, key)));

        assertThat(allowed).isEqualTo(1000);
        try (ApiKeyStore check = db.builder().build()) {
            assertThat(check.find(key.key().id()).orElseThrow().limits().credits()).isZero();
        }
    }

    /**
     * Windows are aligned to the hour on every instance, so within one window the count is exact;
     * the documented bound is twice the limit, for a run that straddles a window's end.
     */
    @Test
    void aHundredPerHourAdmitsAHundredAcrossThreeInstances() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        IssuedKey key;
        try (ApiKeyStore setup = db.builder().build()) {
            key = setup.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("100/1h"))));
        }
        // 3 × 8 × 20 = 480 attempts.
        int allowed = hammer(db, key, 20, store -> store.admit(principal(store, key)));

        org.slf4j.LoggerFactory.getLogger(UsageConcurrencyTest.class).info("100/1h over 3 instances admitted {}", allowed);
        assertThat(allowed).isBetween(100, 200);
    }

    /**
     * With 1,000 an hour each instance leases 62 at a time: never more than the limit, and at most
     * two other instances' unused leases (2 × 61) short of it.
     */
    @Test
    void leasedWindowsNeverExceedTheLimitAndFallShortByAtMostTheOtherInstancesLeases() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        IssuedKey key;
        try (ApiKeyStore setup = db.builder().build()) {
            key = setup.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("1000/1h"))));
        }
        assertThat(dev.pkauth.internal.store.WindowLeases.chunk(1000)).isEqualTo(62);
        // 3 × 8 × 100 = 2,400 attempts.
        int allowed = hammer(db, key, 100, store -> store.admit(principal(store, key)));

        org.slf4j.LoggerFactory.getLogger(UsageConcurrencyTest.class).info("1000/1h over 3 instances admitted {}", allowed);
        assertThat(allowed).isBetween(1000 - 2 * 61, 1000);
    }

    @Test
    void creditsAndARateLimitTogetherStayExact() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        IssuedKey key;
        try (ApiKeyStore setup = db.builder().build()) {
            key = setup.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("1000000/1h")).withCredits(300)));
        }
        int allowed = hammer(db, key, 20, store -> store.admit(principal(store, key)));

        assertThat(allowed).isEqualTo(300);
    }

    /**
     * A metered key and the keys it minted, used all at once from three instances: one budget,
     * charged child then parent in one transaction, so no interleaving spends it twice (or deadlocks).
     */
    @Test
    void aKeyAndItsChildrenShareTheirCreditsExactlyAcrossThreeInstances() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        List<IssuedKey> keys = new ArrayList<>();
        try (ApiKeyStore setup = db.builder().build()) {
            IssuedKey parent = setup.create("alice", KeySpec.of(null, List.of("keys:write")).limits(UsageLimits.NONE.withCredits(300)));
            keys.add(parent);
            ApiKeyPrincipal minter = principal(setup, parent);
            for (int i = 0; i < 3; i++) keys.add(setup.create(minter, null, List.of(), null));
        }
        AtomicInteger turn = new AtomicInteger();
        // 3 × 8 × 20 = 480 attempts for 300 credits, spread over the parent and its three children.
        int allowed = hammer(db, keys.get(0), 20, store -> {
            IssuedKey k = keys.get(Math.floorMod(turn.getAndIncrement(), keys.size()));
            return store.admit(principal(store, k));
        });

        assertThat(allowed).isEqualTo(300);
        try (ApiKeyStore check = db.builder().build()) {
            assertThat(check.find(keys.get(0).key().id()).orElseThrow().limits().credits()).isZero();
        }
    }

    @Test
    void theCacheTtlDoesNotMatterForCreditsWhichAreAlwaysReadFromTheDatabase() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore a = db.builder().cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore b = db.builder().cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey key = a.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withCredits(3)));
            ApiKeyPrincipal pa = principal(a, key);
            ApiKeyPrincipal pb = principal(b, key);
            int allowed = 0;
            for (int i = 0; i < 5; i++) {
                if (a.admit(pa).allowed()) allowed++;
                if (b.admit(pb).allowed()) allowed++;
            }
            assertThat(allowed).as("two stores on one SQLite file share the credits").isEqualTo(3);
        }
    }
}
