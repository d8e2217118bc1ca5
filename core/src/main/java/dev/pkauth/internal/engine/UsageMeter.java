package dev.pkauth.internal.engine;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.Usage;
import dev.pkauth.UsageLimits;
import dev.pkauth.Verification;
import dev.pkauth.PkauthException;
import dev.pkauth.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import dev.pkauth.internal.store.FixedWindows;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.UsageCounters;
import dev.pkauth.internal.metrics.StoreMetrics;
import dev.pkauth.internal.store.WindowLeases;

/**
 * What a key may use: rate windows (this process's, or leases of PostgreSQL's shared ones),
 * credits spent in the database, and each client address's budget of rejected keys.
 * {@link Engine} makes it.
 */
final class UsageMeter {
    private final UsageCounters repository;
    private final StoreMetrics metrics;
    private final java.time.Clock clock;
    /** Per-key windows counted in this process (SQLite, in memory); PostgreSQL counts them in the database. */
    private final FixedWindows rateWindows;
    /** PostgreSQL: this instance's leases of the shared windows. */
    private final WindowLeases leases;
    private final WindowLeases.Leaser leaser;
    private final UsageLimits.@Nullable RateLimit defaultRateLimit;
    /** Rejected keys per client address, or {@code null} when that budget is off. */
    private final @Nullable FixedWindows failedByAddress;
    private final UsageLimits.@Nullable RateLimit failedAuthLimit;
    /**
     * Addresses over their budget, until their window ends. Kept apart from the counters so a
     * flood of one-off addresses (each with a counter of its own) cannot evict a spent address
     * and hand it a fresh budget: to push one out of here, an attacker must first spend the
     * budget of as many other addresses, each costing the lookups the budget rations.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Long> spent;
    /**
     * Ids that verified through a lookup in the last day: not guesses, so they are looked up even
     * from an address that spent its budget (a client behind a NAT whose neighbour guessed keys).
     * Only a valid verification puts an id here, so a forger cannot; one who knows a real id gets
     * one lookup per cache TTL for it, since the row it loads then answers from memory.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> recentlyValid;

    /** A key's row as the verifier knows it (through its cache), or {@code null} when there is none. */
    private final Function<String, @Nullable KeyRecord> rows;

    UsageMeter(StoreOptions options, UsageCounters repository, StoreMetrics metrics, Function<String, @Nullable KeyRecord> rows) {
        this.repository = repository;
        this.rows = rows;
        this.metrics = metrics;
        this.clock = options.clock();
        this.defaultRateLimit = options.defaultRateLimit();
        this.rateWindows = new FixedWindows(StoreOptions.MAX_TRACKED, clock, true);
        this.leases = new WindowLeases(StoreOptions.MAX_TRACKED, clock);
        this.leaser = repository::leaseHits; // made once: the metered hot path allocates no lambda
        this.failedAuthLimit = options.failedAuthLimit();
        this.failedByAddress = failedAuthLimit == null ? null : new FixedWindows(StoreOptions.MAX_TRACKED, clock, false);
        this.spent = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(StoreOptions.MAX_TRACKED)
                .executor(Runnable::run).build();
        this.recentlyValid = com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(StoreOptions.MAX_TRACKED)
                .expireAfterWrite(java.time.Duration.ofDays(1)).ticker(dev.pkauth.internal.cache.KeyCache.ticker(clock))
                .executor(Runnable::run).build();
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    /**
     * {@code verifier}'s answer for a token from {@code clientAddress}, within that address's
     * budget of rejected keys: once over it, only keys already in memory, or that verified lately,
     * are checked. {@code use} false leaves {@code last_used_at} alone.
     */
    Verification verify(String token, @Nullable String clientAddress, KeyVerifier verifier, boolean use) {
        FixedWindows failedByAddress = this.failedByAddress;
        UsageLimits.RateLimit failedAuthLimit = this.failedAuthLimit;
        if (failedByAddress == null || failedAuthLimit == null || clientAddress == null) {
            return verifier.verify(token, clientAddress, use, 0);
        }
        long now = nowSeconds();
        long windowSeconds = failedAuthLimit.window().toSeconds();
        String id = verifier.idOf(token);
        // Checked once here; verification reuses what the gate found (the tag's HMAC is not paid twice).
        int gate = verifier.gate(token);
        if ((gate & KeyVerifier.NO_LOOKUP) != 0) {
            // Answered from memory (or refused by its id tag): no lookup to ration; a rejection still counts.
            Verification v = verifier.verify(token, clientAddress, use, gate, id);
            if (!v.isValid()) failedByAddress.hit(budgetOf(clientAddress), windowSeconds, now);
            return v;
        }
        String budget = budgetOf(clientAddress);
        if (id != null && recentlyValid.getIfPresent(id) != null) {
            // A key that verified lately is no guess: looked up whatever the address's budget.
            Verification v = verifier.verify(token, clientAddress, use, gate, id);
            if (v.isValid()) recentlyValid.put(id, Boolean.TRUE);
            else failedByAddress.hit(budget, windowSeconds, now);
            return v;
        }
        Long spentUntil = spent.getIfPresent(budget);
        if (spentUntil != null) {
            if (spentUntil > now) return throttled(spentUntil - now);
            spent.asMap().remove(budget, spentUntil);
        }
        // Reserve a unit before the lookup and give it back if the key verifies: checking first and
        // counting after let 200 simultaneous guesses all pass the check (39-44 lookups, not 20).
        FixedWindows.Window w = failedByAddress.count(budget, windowSeconds, now);
        if (w.hits() > failedAuthLimit.requests()) {
            w.release();
            spent.put(budget, w.end());
            return throttled(w.end() - now);
        }
        Verification v;
        try {
            v = verifier.verify(token, clientAddress, use, gate, id);
        } catch (RuntimeException e) {
            w.release(); // the store failed: no key was rejected
            throw e;
        }
        if (v.isValid()) {
            w.release();
            if (id != null) recentlyValid.put(id, Boolean.TRUE);
        } else {
            shareRejection(budget, now, windowSeconds, failedAuthLimit.requests());
        }
        return v;
    }

    /** The one budget of every client address that is not an IP address. */
    static final String UNPARSEABLE = "unparseable";

    /**
     * PostgreSQL: counts the rejection where every instance sees it, so an address that spent its
     * budget on one instance is spent on all (each learns it with at most one lookup of its own).
     * A failure to count leaves this process's budget in force.
     */
    private void shareRejection(String budget, long now, long windowSeconds, int limit) {
        UsageCounters.FailedCount shared;
        try {
            shared = repository.countFailed(budget, now, windowSeconds);
        } catch (dev.pkauth.StoreUnavailableException e) {
            return;
        }
        if (shared != null && shared.hits() >= limit) spent.put(budget, shared.end());
    }

    private Verification throttled(long seconds) {
        Verification throttled = new Verification.Throttled(Math.max(1, seconds));
        metrics.verified(throttled);
        metrics.limitHit("failed_auth");
        return throttled;
    }

    /**
     * Whose budget an address spends, canonical however it is spelled: an IPv4 address its own
     * (IPv4-mapped IPv6 is the IPv4 client); an IPv6 address its /64, since one client usually
     * holds a whole /64 and could otherwise rotate through it for free. Anything else (an RFC 7239
     * {@code _obfuscated} identifier or {@code unknown} that a forwarding customizer passed on)
     * shares one budget: otherwise a client choosing its own "address" would get a fresh budget
     * with each one.
     */
    static String budgetOf(String address) {
        long[] bits = new long[2];
        if (!dev.pkauth.internal.text.Addresses.parseAddress(address, bits)) return UNPARSEABLE;
        if (bits[0] == 0 && (bits[1] >>> 32) == 0xffffL) {
            long v4 = bits[1] & 0xffffffffL;
            return (v4 >>> 24) + "." + ((v4 >>> 16) & 0xff) + "." + ((v4 >>> 8) & 0xff) + "." + (v4 & 0xff);
        }
        return "v6:" + Long.toHexString(bits[0]) + "::/64";
    }

    /**
     * How many generations of keys minting keys a lineage may have: each request charges every
     * metered key above the one it carries, so the walk (and the rows charged) stays this short.
     */
    static final int MAX_GENERATIONS = 8;

    /**
     * One request of the key: its rate limit (or the default), then one credit; for a key minted
     * by another, the same of every key above it too, so that a metered key and all it mints share
     * one budget (minting children, spending and deleting them gains nothing).
     */
    Usage admit(ApiKeyPrincipal principal) {
        UsageLimits l = principal.limits();
        if (principal.mintedBy() != null) return meter(lineage(principal), true, 1);
        UsageLimits.RateLimit rate = l.rateLimit() != null ? l.rateLimit() : defaultRateLimit;
        if (rate == null && l.credits() == null) return Usage.UNLIMITED;
        return meter(principal.keyId(), rate, l.credits() == null ? 0 : 1);
    }

    /** {@code credits} of the key's credits (and of every metered key above it), no request counted. */
    Usage consume(ApiKeyPrincipal principal, long credits) {
        if (principal.mintedBy() != null) return meter(lineage(principal), false, credits);
        if (principal.limits().credits() == null) return Usage.UNLIMITED;
        return meter(principal.keyId(), null, credits);
    }

    /** Gives {@code credits} back to the key and every metered key above it. */
    void refund(ApiKeyPrincipal principal, long credits) {
        List<String> metered = principal.mintedBy() == null
                ? (principal.limits().credits() == null ? List.of() : List.of(principal.keyId()))
                : withCredits(lineage(principal));
        if (!metered.isEmpty()) repository.refund(metered, credits);
    }

    /** The ids of the levels that have credits, nearest first: the rows a spend or refund charges. */
    private static List<String> withCredits(List<Level> levels) {
        List<String> ids = new ArrayList<>(levels.size());
        for (Level level : levels) {
            if (level.limits().credits() != null) ids.add(level.id());
        }
        return ids;
    }

    /** A key of a lineage and its limits as last read (the rows' caches keep them fresh). */
    private record Level(String id, UsageLimits limits) {}

    /** The key, then each key above it (read through the verification cache), nearest first. */
    private List<Level> lineage(ApiKeyPrincipal principal) {
        List<Level> levels = new ArrayList<>(4);
        levels.add(new Level(principal.keyId(), principal.limits()));
        String up = principal.mintedBy();
        // Bounded, and safe against a cycle typed into the table by hand.
        while (up != null && levels.size() <= MAX_GENERATIONS) {
            String id = up;
            if (levels.stream().anyMatch(level -> level.id().equals(id))) break;
            KeyRecord row = rows.apply(id);
            if (row == null) break; // purged: nothing above to charge
            levels.add(new Level(id, row.limits()));
            up = row.createdBy();
        }
        return levels;
    }

    private Usage meter(List<Level> levels, boolean countRequest, long cost) {
        long now = nowSeconds();
        Usage.RateState binding = null;
        if (countRequest) {
            for (Level level : levels) {
                UsageLimits.RateLimit rate = level.limits().rateLimit() != null ? level.limits().rateLimit() : defaultRateLimit;
                if (rate == null) continue;
                Counted counted = hit(level.id(), rate, now);
                if (counted.over()) return rateLimited(counted.state());
                // The headers report the window closest to running out.
                if (binding == null || counted.state().remaining() < binding.remaining()) binding = counted.state();
            }
        }
        List<String> metered = withCredits(levels);
        // cost is at least 1 here (admit spends one, consume is refused below one).
        if (metered.isEmpty()) return binding == null ? Usage.UNLIMITED : new Usage.Allowed(binding, null);
        return spend(metered, binding, cost, now);
    }

    private Usage meter(String id, UsageLimits.@Nullable RateLimit rate, long cost) {
        long now = nowSeconds();
        Usage.RateState state = null;
        if (rate != null) {
            Counted counted = hit(id, rate, now);
            if (counted.over()) return rateLimited(counted.state());
            state = counted.state();
        }
        if (cost == 0) return new Usage.Allowed(state, null);
        return spend(List.of(id), state, cost, now);
    }

    private Usage spend(List<String> ids, Usage.@Nullable RateState state, long cost, long now) {
        UsageCounters.Spend spend = repository.spend(ids, cost, now);
        if (!spend.spent()) {
            metrics.limitHit("credits");
            String exhausted = spend.exhausted() != null ? spend.exhausted() : ids.get(0);
            return new Usage.Exhausted(state, repository.secondsToRefill(exhausted, now));
        }
        return new Usage.Allowed(state, spend.remaining());
    }

    /** A request counted in a window: what remains, and whether it went over the limit. */
    private record Counted(Usage.RateState state, boolean over) {}

    private Usage rateLimited(Usage.RateState state) {
        metrics.limitHit("rate");
        return new Usage.RateLimited(state);
    }

    private Counted hit(String id, UsageLimits.RateLimit rate, long now) {
        long window = rate.window().toSeconds();
        long hits;
        long end;
        if (repository.sharesWindows()) {
            WindowLeases.Decision d = leases.admit(id, rate.requests(), window, now, leaser);
            end = d.end();
            hits = d.allowed() ? rate.requests() - d.remaining() : rate.requests() + 1L;
        } else {
            FixedWindows.Hit hit = rateWindows.hit(id, window, now);
            end = hit.end();
            hits = hit.hits();
        }
        return new Counted(rateState(rate, hits, end, now), hits > rate.requests());
    }

    private static Usage.RateState rateState(UsageLimits.RateLimit rate, long hits, long end, long now) {
        return new Usage.RateState(rate.requests(), rate.window().toSeconds(), Math.max(0, rate.requests() - hits),
                Math.max(1, end - now));
    }
}
