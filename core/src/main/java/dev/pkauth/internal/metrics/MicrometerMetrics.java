package dev.pkauth.internal.metrics;

import dev.pkauth.Verification;
import dev.pkauth.internal.cache.KeyCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The store's meters in a Micrometer registry, named by Micrometer's conventions:
 * {@code pkauth.verifications} (tags {@code outcome}, {@code reason}), {@code pkauth.cache.gets}
 * ({@code result} hit or miss), {@code pkauth.store.lookups} (a timer), {@code pkauth.store.unavailable},
 * {@code pkauth.touch.writes}, {@code pkauth.limits.hits} ({@code limit}), {@code pkauth.keys.upgraded}
 * ({@code scheme}: imported keys moved to pkauth's HMAC on first use). Every meter is made
 * once, so recording costs a counter increment. Only loaded when a registry is given.
 */
public final class MicrometerMetrics implements StoreMetrics {
    private final MeterRegistry registry;
    private final String table;
    private final Counter valid;
    private final Counter throttled;
    private final Map<Verification.Reason, Counter> invalid = new EnumMap<>(Verification.Reason.class);
    private final Timer lookups;
    private final Counter unavailable;
    private final Counter touchWrites;
    private final Map<String, Counter> limits;

    public MicrometerMetrics(Object registry, String table) {
        this.registry = (MeterRegistry) registry;
        this.table = table;
        this.valid = counter("pkauth.verifications", "Key verifications, by outcome and reason", "outcome", "valid", "reason", "none");
        this.throttled = counter("pkauth.verifications", "Key verifications, by outcome and reason", "outcome", "throttled",
                "reason", "too_many_failed_attempts");
        for (Verification.Reason r : Verification.Reason.values()) {
            invalid.put(r, counter("pkauth.verifications", "Key verifications, by outcome and reason", "outcome", "invalid",
                    "reason", r.name().toLowerCase(Locale.ROOT)));
        }
        this.lookups = Timer.builder("pkauth.store.lookups").description("Database lookups of keys (cache misses)")
                .tag("table", table).register(this.registry);
        this.unavailable = counter("pkauth.store.unavailable", "Times the database could not answer");
        this.touchWrites = counter("pkauth.touch.writes", "last_used_at values written");
        this.limits = Map.of(
                "rate", counter("pkauth.limits.hits", "Requests refused by a usage limit", "limit", "rate"),
                "credits", counter("pkauth.limits.hits", "Requests refused by a usage limit", "limit", "credits"),
                "failed_auth", counter("pkauth.limits.hits", "Requests refused by a usage limit", "limit", "failed_auth"));
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name).description(description).tags(tags).tag("table", table).register(registry);
    }

    @Override
    public void verified(Verification v) {
        if (v instanceof Verification.Invalid i) java.util.Objects.requireNonNull(invalid.get(i.reason())).increment();
        else if (v instanceof Verification.Throttled) throttled.increment();
        else valid.increment();
    }

    @Override
    public void lookup(long nanos) {
        lookups.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void unavailable() {
        unavailable.increment();
    }

    @Override
    public void touched(int keys) {
        touchWrites.increment(keys);
    }

    @Override
    public void limitHit(String limit) {
        Counter c = limits.get(limit);
        if (c != null) c.increment();
    }

    @Override
    public void hashUpgraded(String scheme) {
        // Four schemes at most, and rare: registering on use costs nothing on the hot path.
        counter("pkauth.keys.upgraded", "Imported keys whose foreign hash was replaced by pkauth's HMAC on first use",
                "scheme", scheme).increment();
    }

    @Override
    public void bindCache(KeyCache<?> cache) {
        FunctionCounter.builder("pkauth.cache.gets", cache, c -> c.hits()).tag("result", "hit").tag("table", table)
                .description("Verification cache lookups").register(registry);
        FunctionCounter.builder("pkauth.cache.gets", cache, c -> c.misses()).tag("result", "miss").tag("table", table)
                .description("Verification cache lookups").register(registry);
    }
}
