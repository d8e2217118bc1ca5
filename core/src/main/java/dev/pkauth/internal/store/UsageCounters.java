package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * What metering counts in storage: credits (exact across processes), and, where the backend is shared by processes, rate windows and rejected-key budgets.
 * The port of the meter; implementations throw {@link dev.pkauth.StoreUnavailableException}
 * when they cannot answer, never turning a failure into "not found".
 */
public interface UsageCounters {
    /**
     * After spending credits: whether they were spent (nothing changes when not enough were left),
     * the fewest left among the keys charged, and which key had too few when they were not spent.
     */
    record Spend(boolean spent, @Nullable Long remaining, @Nullable String exhausted) {}

    /**
     * Spends {@code cost} credits of each of {@code ids} (a key, then the metered keys that minted
     * it) atomically: all or none. Each is first refilled when its refill is due (the refill clock
     * advances by whole intervals). Nothing is spent when any has fewer than {@code cost} left.
     * Rows are charged in the order given, always descendant before ancestor, so two charges
     * that share keys lock them in the same order.
     */
    Spend spend(List<String> ids, long cost, long now);

    /** Adds {@code credits} back to each of {@code ids} that has credits, never above its refill amount. */
    void refund(List<String> ids, long credits);

    /** Seconds until the key's next refill at {@code now}, or {@code null} when it has none. */
    @Nullable Long secondsToRefill(String id, long now);

    /**
     * Whether rate-limit windows live in the database, shared by every process (PostgreSQL): then
     * {@link #admit} counts them; otherwise the store counts them in its own process.
     */
    default boolean sharesWindows() {
        return false;
    }

    /**
     * Adds {@code chunk} hits to the key's shared window (PostgreSQL), starting it afresh when
     * {@code windowStart} is later than the stored one; returns the hits after adding.
     */
    default long leaseHits(String id, long windowStart, long chunk) {
        throw new UnsupportedOperationException("windows are counted in process for " + this);
    }

    /** A client address's rejected keys in its current shared window, and when that window ends. */
    record FailedCount(long hits, long end) {}

    /**
     * Counts one rejected key for {@code budget} in the database, where every instance sharing it
     * sees it (PostgreSQL): its window starts at its first rejection and lasts {@code windowSeconds}.
     * {@code null} where the budget is counted per process.
     */
    default @Nullable FailedCount countFailed(String budget, long now, long windowSeconds) {
        return null;
    }
}
