package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Security review finding 3: twelve concurrent lists exhausted the SQLite pool and another user's
 * valid key got 503. Verification now has connections of its own: management may queue or fail
 * under a burst, verification may not.
 */
class ManagementCannotStarveVerificationTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aBurstOfListsAndCreatesNeverMakesAValidKeyUnavailable(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        // No cache: every verification is a database lookup, the worst case.
        try (ApiKeyStore store = db.builder().cacheTtl(Duration.ZERO).maxKeysPerUser(100_000).build()) {
            IssuedKey victim = store.create("victim", null, List.of(), null);
            for (int i = 0; i < 300; i++) store.create("noisy", "k" + i, List.of(), null);

            int burst = 16;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger managementCalls = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(burst);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < burst; t++) {
                int n = t;
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        try {
                            if (n % 4 == 0) store.create("noisy", null, List.of(), null);
                            else store.list("noisy", true);
                            managementCalls.incrementAndGet();
                        } catch (StoreUnavailableException busy) {
                            // management may be told to come back later; verification may not
                        }
                    }
                    return null;
                }));
            }
            int verified = 0;
            try {
                // Verify until the burst has made plenty of management calls alongside.
                while (managementCalls.get() < 200 || verified < 200) {
                    assertThat(store.verify(victim.token()).isValid()).isTrue();
                    verified++;
                }
            } finally {
                stop.set(true);
                pool.shutdown();
            }
            for (Future<?> w : workers) w.get(); // a worker's unexpected failure fails the test
            assertThat(verified).isGreaterThanOrEqualTo(200);
        }
    }

    /**
     * Management statements that block (here: creates waiting on the per-user lock another session
     * holds) keep their connections until the statement timeout. With one shared pool they took
     * every connection and verification timed out; with a pool of its own it does not notice.
     */
    @org.junit.jupiter.api.Test
    void managementBlockedOnALockLeavesVerificationItsConnections() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        try (ApiKeyStore store = db.builder().cacheTtl(Duration.ZERO).connectionTimeout(Duration.ofMillis(250)).build();
             java.sql.Connection blocker = db.connect()) {
            IssuedKey victim = store.create("victim", null, List.of(), null);
            try (var ps = blocker.prepareStatement("SELECT pg_advisory_lock(hashtextextended(?, 0))")) {
                ps.setString(1, db.table() + ":noisy"); // the lock every create for "noisy" takes
                ps.execute();
            }
            int burst = 16;
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger blockedCreates = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(burst);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < burst; t++) {
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        try {
                            store.create("noisy", null, List.of(), null);
                            throw new AssertionError("a create went through a held lock");
                        } catch (StoreUnavailableException timedOut) {
                            blockedCreates.incrementAndGet(); // statement timeout or no management connection
                        }
                    }
                    return null;
                }));
            }
            int verified = 0;
            try {
                while (blockedCreates.get() < 2 * burst || verified < 200) {
                    assertThat(store.verify(victim.token()).isValid()).isTrue();
                    verified++;
                }
            } finally {
                stop.set(true);
                pool.shutdown();
            }
            for (Future<?> w : workers) w.get();
            assertThat(blockedCreates.get()).isGreaterThanOrEqualTo(2 * burst);
        }
    }
}
