package dev.pkauth.internal.cache;

import org.jspecify.annotations.Nullable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Key rows by id (prepared for verification by the store, as {@code E}), so a verification costs a hash instead of a database round trip.
 *
 * <ul>
 *   <li>Entries live a fixed time after they are written, never extended by reads, so an entry
 *       is at most {@code ttl} old; unknown ids are remembered for a shorter {@code negativeTtl}
 *       so a flood of well-formed unknown ids does not cost one query each.</li>
 *   <li>Rows, not verdicts, are cached: every hit still checks the secret and re-checks expiry
 *       against the clock.</li>
 *   <li>Concurrent misses for one id make one query ({@link Cache#get} computes once per key).</li>
 *   <li>A load that was in flight when any invalidation happened is used for the request that
 *       made it but never stored: Caffeine's {@code invalidateAll} does not wait for loads in
 *       flight, and without this a row read just before a revocation could be put back and served
 *       for the whole TTL. Each invalidation moves a generation counter (one for all, and one per
 *       stripe of ids for a single id); a load stores its row only if both it started under are
 *       still current, so a change to one key does not leave loads of the others uncached.</li>
 * </ul>
 *
 * @param <E> what the store keeps per row
 */
public final class KeyCache<E> {
    private final Cache<Object, Optional<E>> cache;
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Per-id invalidations, striped by the id's hash: a revocation of one key must not stop every
     * other load in flight from being stored (with one counter, any change anywhere, such as another
     * process's revocation arriving through the watcher, left a freshly verified key uncached).
     */
    private final java.util.concurrent.atomic.AtomicLongArray stripes = new java.util.concurrent.atomic.AtomicLongArray(STRIPES);
    private static final int STRIPES = 1024;
    private final java.util.concurrent.atomic.LongAdder misses = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder gets = new java.util.concurrent.atomic.LongAdder();

    public KeyCache(long maximumSize, Duration ttl, Duration negativeTtl, Clock clock) {
        long positiveNanos = ttl.toNanos();
        long negativeNanos = negativeTtl.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .ticker(ticker(clock))
                .executor(Runnable::run)
                .expireAfter(new Expiry<Object, Optional<E>>() {
                    @Override
                    public long expireAfterCreate(Object id, Optional<E> row, long now) {
                        return row.isPresent() ? positiveNanos : negativeNanos;
                    }

                    @Override
                    public long expireAfterUpdate(Object id, Optional<E> row, long now, long current) {
                        return expireAfterCreate(id, row, now);
                    }

                    @Override
                    public long expireAfterRead(Object id, Optional<E> row, long now, long current) {
                        return current;
                    }
                })
                .build();
    }

    /** A ticker that follows the store's clock, so tests move time without sleeping. */
    public static Ticker ticker(Clock clock) {
        if (clock.equals(Clock.systemUTC())) return Ticker.systemTicker();
        return () -> {
            java.time.Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        };
    }

    /** The cached row for {@code id}, loading it with {@code loader} on a miss (once per id at a time). */
    public Optional<E> get(String id, java.util.function.Function<String, Optional<E>> loader) {
        gets.increment();
        Optional<E> cached = cache.getIfPresent(id);
        if (cached != null) return cached;
        // The loaded row travels to this thread even when it must not be stored (Caffeine stores
        // nothing when the mapping function returns null).
        Object[] loaded = new Object[1];
        int stripe = stripe(id);
        Optional<E> row = cache.get(id, key -> {
            long started = generation.get();
            long startedHere = stripes.get(stripe);
            misses.increment();
            Optional<E> value = loader.apply(id);
            loaded[0] = value;
            return generation.get() == started && stripes.get(stripe) == startedHere ? value : null;
        });
        if (row != null) return row;
        @SuppressWarnings("unchecked")
        Optional<E> own = (Optional<E>) loaded[0];
        // Null without a load of our own: we waited on another thread's discarded load; read afresh.
        if (own != null) return own;
        misses.increment();
        return loader.apply(id);
    }

    /**
     * The row of {@code id} if it is in memory now (found, or known absent as an empty Optional),
     * counted as a get; {@code null} when it is not, without loading it.
     */
    public @Nullable Optional<E> getIfPresent(String id) {
        Optional<E> cached = cache.getIfPresent(id);
        if (cached != null) gets.increment();
        return cached;
    }

    /**
     * {@link #getIfPresent(String)} for the id at {@code text[start, start + length)}, without
     * copying it out: the lookup goes through a per-thread view whose {@code equals} and
     * {@code hashCode} are a {@code String}'s, so the hot path allocates nothing. The view forgets
     * {@code text} (a token, secret included) before this returns.
     */
    public @Nullable Optional<E> getIfPresent(CharSequence text, int start, int length) {
        IdView view = VIEWS.get().of(text, start, length);
        try {
            Optional<E> cached = cache.getIfPresent(view);
            if (cached != null) gets.increment();
            return cached;
        } finally {
            view.clear();
        }
    }

    private static final ThreadLocal<IdView> VIEWS = ThreadLocal.withInitial(IdView::new);

    /**
     * A region of a token standing in for the id {@code String} it equals, as a lookup key only
     * (never stored: Caffeine's {@code getIfPresent} inserts nothing). Equal to a {@code String}
     * with the same characters, with the same hash code.
     */
    private static final class IdView {
        private @Nullable CharSequence text;
        private int start;
        private int length;
        private int hash;

        IdView of(CharSequence text, int start, int length) {
            this.text = text;
            this.start = start;
            this.length = length;
            this.hash = hashOf(text, start, length);
            return this;
        }

        void clear() {
            text = null;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            CharSequence t = text;
            if (!(o instanceof String s) || t == null || s.length() != length) return false;
            for (int i = 0; i < length; i++) if (s.charAt(i) != t.charAt(start + i)) return false;
            return true;
        }

        @Override
        public String toString() {
            return "IdView[" + length + " chars]";
        }
    }

    /**
     * {@code String.hashCode} of {@code text[start, start + length)}, without the {@code String}.
     * An even-length region is hashed as two interleaved halves with 31² as the multiplier, then
     * joined ({@code h = 31·h_even + h_odd}, the same sum of {@code c_i·31^(n-1-i)}): two chains half
     * as long as {@code String}'s one, on the lookup of every cached verification.
     */
    static int hashOf(CharSequence text, int start, int length) {
        if ((length & 1) != 0) {
            int h = 0;
            for (int i = 0; i < length; i++) h = 31 * h + text.charAt(start + i);
            return h;
        }
        int even = 0;
        int odd = 0;
        for (int i = 0; i < length; i += 2) {
            even = 961 * even + text.charAt(start + i);
            odd = 961 * odd + text.charAt(start + i + 1);
        }
        return 31 * even + odd;
    }

    /** Whether {@code id} is in memory now (found or known absent), without loading it. */
    public boolean contains(String id) {
        return cache.getIfPresent(id) != null;
    }

    /** Lookups answered from memory so far. */
    public double hits() {
        return Math.max(0, gets.sum() - misses.sum());
    }

    /** Loads made so far: the misses that reached the database. */
    public long misses() {
        return misses.sum();
    }

    public void invalidate(String id) {
        stripes.incrementAndGet(stripe(id));
        cache.invalidate(id);
    }

    private static int stripe(String id) {
        return (id.hashCode() & 0x7fffffff) % STRIPES;
    }

    /** Each id in memory now and what is held for it (a row, or empty: known absent); for consistency checks. */
    public void forEachCached(BiConsumer<String, Optional<E>> action) {
        cache.asMap().forEach((id, row) -> action.accept((String) id, row));
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }
}
