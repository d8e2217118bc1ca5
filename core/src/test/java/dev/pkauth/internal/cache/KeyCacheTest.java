package dev.pkauth.internal.cache;

import dev.pkauth.internal.store.KeyRecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KeyCacheTest {
    /** The cache holds whatever the store prepares per row; the row itself serves here. */
    static KeyRecord entry(Long revokedAt) {
        return new KeyRecord("key_" + "a".repeat(32), "alice", "", "", "00".repeat(32), List.of(), null, null, 0,
                revokedAt, null);
    }

    /**
     * The review saw a revoked key verify for 10.4 s: the SQLite watcher cleared the cache while a
     * lookup was reading the row, and the lookup then stored the pre-revocation row for the TTL.
     */
    @Test
    void aLoadInFlightDuringAnInvalidateAllIsUsedOnceButNeverStored() throws Exception {
        KeyCache<KeyRecord> cache = new KeyCache<>(100, Duration.ofHours(1), Duration.ofSeconds(2), Clock.systemUTC());
        String id = entry(null).id();
        CountDownLatch readTheRow = new CountDownLatch(1);
        CountDownLatch invalidated = new CountDownLatch(1);

        CompletableFuture<Optional<KeyRecord>> inFlight = CompletableFuture.supplyAsync(() -> cache.get(id, k -> {
            Optional<KeyRecord> stale = Optional.of(entry(null)); // read before the revocation committed
            readTheRow.countDown();
            await(invalidated);
            return stale;
        }));
        assertThat(readTheRow.await(5, TimeUnit.SECONDS)).isTrue();
        cache.invalidateAll(); // the revocation is seen while the load is still running
        invalidated.countDown();
        assertThat(inFlight.get(5, TimeUnit.SECONDS).orElseThrow().revokedAt()).as("the racing request").isNull();

        AtomicInteger loads = new AtomicInteger();
        Optional<KeyRecord> next = cache.get(id, k -> {
            loads.incrementAndGet();
            return Optional.of(entry(1L));
        });

        assertThat(loads).as("the stale row was not stored, so the next lookup reads again").hasValue(1);
        assertThat(next.orElseThrow().revokedAt()).isEqualTo(1L);
    }

    /** Loads {@code id} while {@code during} runs mid-load; answers how many loads a second get then made (0: stored). */
    private static int loadsAfter(KeyCache<KeyRecord> cache, String id, Runnable during) throws Exception {
        CountDownLatch readTheRow = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<Optional<KeyRecord>> inFlight = CompletableFuture.supplyAsync(() -> cache.get(id, k -> {
            Optional<KeyRecord> row = Optional.of(entry(null));
            readTheRow.countDown();
            await(done);
            return row;
        }));
        assertThat(readTheRow.await(5, TimeUnit.SECONDS)).isTrue();
        during.run();
        done.countDown();
        inFlight.get(5, TimeUnit.SECONDS);
        AtomicInteger loads = new AtomicInteger();
        cache.get(id, k -> {
            loads.incrementAndGet();
            return Optional.of(entry(1L));
        });
        return loads.get();
    }

    // A load of the id being invalidated needs no test of its own: Caffeine's invalidate(id) waits
    // for that key's load in flight, and removes what it stored.

    @Test
    void aLoadInFlightWhileAnotherKeyIsInvalidatedIsStillStored() throws Exception {
        KeyCache<KeyRecord> cache = new KeyCache<>(100, Duration.ofHours(1), Duration.ofSeconds(2), Clock.systemUTC());
        String id = entry(null).id();
        String other = java.util.stream.IntStream.range(0, 100).mapToObj(i -> "key_" + String.format("%032d", i))
                .filter(o -> (o.hashCode() & 0x7fffffff) % 1024 != (id.hashCode() & 0x7fffffff) % 1024).findFirst().orElseThrow();
        assertThat(loadsAfter(cache, id, () -> cache.invalidate(other)))
                .as("a change to another key does not leave this one uncached").isZero();
    }

    @Test
    void aLoadWithNoInvalidationIsStoredAndServed() {
        KeyCache<KeyRecord> cache = new KeyCache<>(100, Duration.ofHours(1), Duration.ofSeconds(2), Clock.systemUTC());
        AtomicInteger loads = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            cache.get("key_x", k -> {
                loads.incrementAndGet();
                return Optional.of(entry(null));
            });
        }
        assertThat(loads).hasValue(1);
        assertThat(cache.misses()).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anIdsHashInPlaceIsItsStringsHash() {
        java.util.Random random = new java.util.Random(25);
        for (int length = 0; length <= 40; length++) {
            for (int n = 0; n < 200; n++) {
                char[] c = new char[length + 7];
                for (int i = 0; i < c.length; i++) c[i] = (char) random.nextInt(n % 2 == 0 ? 128 : 0x10000);
                String text = new String(c);
                assertThat(KeyCache.hashOf(text, 3, length))
                        .as("length %d", length).isEqualTo(text.substring(3, 3 + length).hashCode());
            }
        }
    }
}
