package dev.pkauth.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Key rows by id (prepared as {@link KeyEntry}s), so a verification costs one HMAC instead of a database round trip.
 *
 * <ul>
 *   <li>Entries live a fixed time after they are written, never extended by reads, so an entry
 *       is at most {@code ttl} old; unknown ids are remembered for a shorter {@code negativeTtl}
 *       so a flood of well-formed unknown ids does not cost one query each.</li>
 *   <li>Rows, not verdicts, are cached: every hit still checks the secret and re-checks expiry
 *       against the clock.</li>
 *   <li>Concurrent misses for one id make one query ({@link Cache#get} computes once per key).</li>
 *   <li>{@link #invalidate} waits for an in-flight load of that id, so after it returns no row
 *       read before a revocation can be served.</li>
 * </ul>
 */
public final class KeyCache {
    private static final Optional<KeyEntry> ABSENT = Optional.empty();

    private final Cache<String, Optional<KeyEntry>> cache;

    public KeyCache(long maximumSize, Duration ttl, Duration negativeTtl, Clock clock) {
        long positiveNanos = ttl.toNanos();
        long negativeNanos = negativeTtl.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker(clock))
                .executor(Runnable::run)
                .expireAfter(new Expiry<String, Optional<KeyEntry>>() {
                    @Override
                    public long expireAfterCreate(String id, Optional<KeyEntry> row, long now) {
                        return row.isPresent() ? positiveNanos : negativeNanos;
                    }

                    @Override
                    public long expireAfterUpdate(String id, Optional<KeyEntry> row, long now, long current) {
                        return expireAfterCreate(id, row, now);
                    }

                    @Override
                    public long expireAfterRead(String id, Optional<KeyEntry> row, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** A ticker that follows the store's clock, so tests move time without sleeping. */
    private static Ticker ticker(Clock clock) {
        if (clock.equals(Clock.systemUTC())) return Ticker.systemTicker();
        return () -> {
            java.time.Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /** The cached row for {@code id}, loading it with {@code loader} on a miss (once per id at a time). */
    public Optional<KeyEntry> get(String id, java.util.function.Function<String, Optional<KeyEntry>> loader) {
        Optional<KeyEntry> row = cache.get(id, loader);
        return row == null ? ABSENT : row;
    }

    public void invalidate(String id) {
        cache.invalidate(id);
    }

    public void invalidateAll() {
        cache.invalidateAll();
    }
}
