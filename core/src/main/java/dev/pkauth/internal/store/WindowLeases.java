package dev.pkauth.internal.store;

import dev.pkauth.internal.cache.KeyCache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shared rate-limit windows (PostgreSQL) counted in leases: an instance takes a chunk of a key's
 * window in one round trip ({@code hits = hits + chunk}) and admits that many requests without
 * the database. The shared counter only ever moves by whole chunks, so no instance admits more
 * than it leased and the limit is never exceeded; the price is under-admission: requests one
 * instance has leased but not used are refused elsewhere until the window ends, at most
 * {@code chunk - 1} per other instance. Chunks are 1/16 of the limit, at most 256, so small
 * limits stay exact (a limit of 15 or less is counted request by request).
 */
public final class WindowLeases {
    /** Chunk size for a limit: one round trip per this many requests. */
    public static long chunk(int limit) {
        return Math.max(1, Math.min(limit / 16, 256));
    }

    /** The requests this instance may still admit in a key's window, and what the shared count said. */
    static final class Lease {
        final long windowStart;
        final AtomicLong left = new AtomicLong();
        volatile long sharedHits;

        Lease(long windowStart) {
            this.windowStart = windowStart;
        }
    }

    /** What admitting one request found: allowed or not, the window's end and an estimate of what remains. */
    public record Decision(boolean allowed, long end, long remaining) {}

    /** Leases a chunk in the database: returns the shared hits after adding {@code chunk}. */
    @FunctionalInterface
    public interface Leaser {
        long lease(String id, long windowStart, long chunk);
    }

    private final Cache<String, Lease> leases;

    public WindowLeases(long maximumSize, Clock clock) {
        this.leases = Caffeine.newBuilder().maximumSize(maximumSize).ticker(KeyCache.ticker(clock))
                .expireAfterAccess(Duration.ofDays(1)).executor(Runnable::run).build();
    }

    public Decision admit(String id, int limit, long windowSeconds, long now, Leaser leaser) {
        long start = FixedWindows.windowStart(now, windowSeconds);
        long end = start + windowSeconds;
        Lease lease = leases.getIfPresent(id);
        if (lease == null || lease.windowStart != start) {
            Lease fresh = new Lease(start);
            lease = leases.asMap().compute(id, (k, old) -> old != null && old.windowStart == start ? old : fresh);
        }
        if (take(lease.left)) return new Decision(true, end, remaining(limit, lease));
        long chunk = chunk(limit);
        long hits = leaser.lease(id, start, chunk);
        long before = hits - chunk;
        lease.sharedHits = hits;
        if (before >= limit) return new Decision(false, end, 0);
        long granted = Math.min(chunk, limit - before);
        lease.left.addAndGet(granted - 1); // this request takes one of them
        return new Decision(true, end, remaining(limit, lease));
    }

    private static boolean take(AtomicLong left) {
        long n;
        do {
            n = left.get();
            if (n <= 0) return false;
        } while (!left.compareAndSet(n, n - 1));
        return true;
    }

    /** What is left for everyone, as far as this instance knows: unleased budget plus its own unused lease. */
    private static long remaining(int limit, Lease lease) {
        return Math.max(0, limit - lease.sharedHits) + Math.max(0, lease.left.get());
    }
}
