package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.cache.KeyCache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;

/**
 * Counters of fixed windows by key, in this process: how many hits a key (a key id, a client
 * address) had in its current window. Aligned windows start at multiples of their length in Unix
 * seconds (a 60 s window starts on the minute), as PostgreSQL's shared counter does, so both
 * answer alike; unaligned ones start at a key's first hit. Bounded: at most {@code maximumSize}
 * keys, each forgotten when its window ends.
 *
 * <p>The same counter serves the per-key rate limit (on SQLite and in memory) and the
 * per-address budget of rejected keys.
 */
public final class FixedWindows {
    /**
     * One key's current window: fixed bounds and a counter that hits increment without a lock.
     * A window that has ended is replaced, never reset, so a late hit cannot count in a new one.
     */
    public static final class Window {
        private final long start;
        private final long end;
        private final java.util.concurrent.atomic.AtomicLong hits = new java.util.concurrent.atomic.AtomicLong();

        Window(long start, long end) {
            this.start = start;
            this.end = end;
        }

        public long start() {
            return start;
        }

        public long end() {
            return end;
        }

        public long hits() {
            return hits.get();
        }

        /** Takes back one hit counted by {@link #count}: a reservation that was not spent. */
        public void release() {
            hits.decrementAndGet();
        }
    }

    /** A window's bounds and its hits including the one just counted. */
    public record Hit(long end, long hits) {}

    private final Cache<String, Window> windows;
    private final Clock clock;
    private final boolean aligned;

    /** @param aligned windows on multiples of their length (rate limits), or from each key's first hit (budgets) */
    public FixedWindows(long maximumSize, Clock clock, boolean aligned) {
        this.clock = clock;
        this.aligned = aligned;
        this.windows = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(KeyCache.ticker(clock))
                .executor(Runnable::run)
                .expireAfter(new Expiry<String, Window>() {
                    @Override
                    public long expireAfterCreate(String key, Window w, long now) {
                        return untilEnd(w);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Window w, long now, long current) {
                        return untilEnd(w); // a replaced window lives until its own end
                    }

                    @Override
                    public long expireAfterRead(String key, Window w, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    private long untilEnd(Window w) {
        long millis = w.end * 1000 - clock.millis();
        return Math.max(0, millis) * 1_000_000L;
    }

    /** The window that contains {@code now}, for a window of {@code seconds}. */
    public static long windowStart(long now, long seconds) {
        return now - Math.floorMod(now, seconds);
    }

    /** Counts one hit for {@code key} and returns its window's end and hits including this one. */
    public Hit hit(String key, long windowSeconds, long now) {
        Window w = count(key, windowSeconds, now);
        return new Hit(w.end, w.hits());
    }

    /**
     * Counts one hit for {@code key} and returns the window it was counted in, so that the caller
     * can {@link Window#release release} it: reserve first, then do the work, so that concurrent
     * callers can never all pass a check made before any of them counted.
     */
    public Window count(String key, long windowSeconds, long now) {
        long alignedStart = windowStart(now, windowSeconds);
        // Fast path: the current window exists; count in it without a lock or an expiry update.
        Window w = windows.getIfPresent(key);
        if (w == null || !current(w, alignedStart, now)) {
            w = windows.asMap().compute(key, (k, old) -> old != null && current(old, alignedStart, now)
                    ? old
                    : new Window(aligned ? alignedStart : now, (aligned ? alignedStart : now) + windowSeconds));
        }
        w.hits.incrementAndGet();
        return w;
    }

    private boolean current(Window w, long alignedStart, long now) {
        return aligned ? w.start == alignedStart : w.end > now;
    }

    /** The key's current window without counting, or {@code null} when it has none at {@code now}. */
    public @Nullable Window peek(String key, long now) {
        Window w = windows.getIfPresent(key);
        return w == null || w.end <= now ? null : w;
    }

    /** Keys with a live window (bounded by {@code maximumSize}). */
    public long size() {
        windows.cleanUp();
        return windows.estimatedSize();
    }
}
