package dev.pkauth.internal.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * Storage of key rows. Implementations throw {@link dev.pkauth.StoreUnavailableException} when
 * they cannot answer; they never turn a failure into "not found".
 */
public interface KeyRepository extends AutoCloseable {

    /** Creates the table, indexes and change triggers when absent and upgrades an older table; idempotent. */
    void migrate();

    /**
     * Inserts a new key in one transaction with the checks that must hold when it commits. When
     * {@code draft.createdBy()} is set, that parent row is locked against a concurrent revoke and
     * handed to {@code fit} ({@code null} when it is gone or revoked), which returns the row to
     * insert or throws. The user's active keys (unrevoked, unexpired at {@code now}) are counted
     * under a per-user lock, and nothing is inserted when there are {@code maxActive} already; nor
     * when the user created {@value #CREATIONS_PER_HOUR_PER_ACTIVE} × {@code maxActive} keys (revoked
     * ones too) in the hour before {@code now}:
     * then {@code tooFast} is thrown, given that count. Mint-and-delete churn cannot grow the table
     * without bound.
     *
     * @param fit (parent or {@code null}, draft) → the row to insert
     * @return the inserted row, or empty when the user already has {@code maxActive} active keys
     */
    Optional<KeyRecord> create(KeyRecord draft, long now, int maxActive, java.util.function.LongFunction<RuntimeException> tooFast,
            BinaryOperator<KeyRecord> fit, AuditRecord audit);

    /** The window of {@link #create}'s creation bound, in seconds. */
    long CREATION_WINDOW_SECONDS = 3600;

    /** Keys a user may create per hour, per key it may hold at once: revoke-and-recreate stays usable, churn bounded. */
    int CREATIONS_PER_HOUR_PER_ACTIVE = 10;

    Optional<KeyRecord> find(String id);

    /** Sets {@code expires_at} on an unrevoked key; false when no such unrevoked key exists. */
    boolean updateExpiry(String id, Long expiresAt, AuditRecord audit);

    /**
     * Revokes the key and every key minted from it, transitively, in one transaction.
     *
     * @return the ids this call revoked (keys already revoked are left as they are, but their
     *     descendants are still revoked)
     */
    List<String> revokeTree(String id, long revokedAt, AuditRecord audit);

    boolean delete(String id, AuditRecord audit);

    /**
     * Replaces the hash and its pepper's fingerprint only if the hash is still {@code expectedHash}:
     * a pepper upgrade, or recording the fingerprint of a row that had none.
     */
    void replaceHash(String id, String expectedHash, String newHash, String pepperId);

    /**
     * The pepper fingerprints of the {@code limit} most recently created unrevoked keys, {@code null}
     * for rows without one: how the store tells at start whether its peppers are the table's.
     */
    List<String> recentPepperIds(int limit);

    /**
     * The table's id tag key ({@link dev.pkauth.internal.token.IdTags#NONE} when it has none,
     * e.g. a table nobody migrated). Rows this repository inserts afterwards are marked tagged
     * when it has one; the store mints with exactly these tags.
     */
    dev.pkauth.internal.token.IdTags idTags();

    /** Whether any row's id was not minted with a tag (Pylon's, older pkauth's): such ids must be looked up. */
    boolean hasUntaggedKeys();

    /**
     * Inserts {@code replacement}, ends {@code oldId} (new expiry or revocation) and moves the keys
     * {@code oldId} minted to {@code replacement}, atomically; false (and nothing written) when
     * {@code oldId} is unknown or revoked.
     */
    boolean rotate(String oldId, Long oldExpiresAt, Long oldRevokedAt, KeyRecord replacement, AuditRecord audit);

    /**
     * After spending credits: whether they were spent (nothing changes when not enough were left),
     * the fewest left among the keys charged, and which key had too few when they were not spent.
     */
    record Spend(boolean spent, Long remaining, String exhausted) {}

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
    Long secondsToRefill(String id, long now);

    /**
     * Sets an unrevoked key's limits; credits as given, the refill clock restarting at {@code now}.
     * False when there is no such unrevoked key.
     */
    boolean setLimits(String id, dev.pkauth.UsageLimits limits, long now, AuditRecord audit);

    /**
     * Disables an unrevoked key and every key minted from it that is not disabled yet, marking them
     * as disabled through {@code via}; returns the ids this changed (the key itself first, when it changed).
     */
    List<String> disableTree(String id, long at, String via, AuditRecord audit);

    /**
     * Enables the keys disabled through one of {@code vias} (the key and the keys it minted),
     * unless a key that minted {@code id} is disabled; returns their ids.
     */
    List<String> enableTree(String id, List<String> vias, AuditRecord audit);

    /** Sets or clears ({@code null}) the metadata of an unrevoked key; false when there is none. */
    boolean setMetadata(String id, String json, AuditRecord audit);

    /** Sets or clears ({@code null}) the allowlist (canonical CIDRs) of an unrevoked key. */
    boolean setAllowedIps(String id, String cidrs, AuditRecord audit);

    /** Revokes every unrevoked key of the user in one statement; returns their ids. */
    List<String> revokeAll(String userId, long at, AuditRecord audit);

    /** One page of keys the filter selects, newest first, after ({@code afterCreatedAt}, {@code afterId}). */
    List<KeyRecord> query(KeyFilter filter, int limit, Long afterCreatedAt, String afterId);

    /** How many keys the filter selects. */
    long count(KeyFilter filter);

    /**
     * Revokes up to {@code batch} unrevoked keys last used (or created, never used) before
     * {@code cutoff}, with one audit row for the batch; returns their ids (fewer than
     * {@code batch}: none are left).
     */
    List<String> revokeUnused(long cutoff, long at, int batch, AuditRecord audit);

    /** Keys a purge would delete: revoked or expired before {@code cutoff}. */
    long countPurgeable(long cutoff);

    /** Deletes up to {@code batch} rows revoked or expired before {@code cutoff}, with one audit row; returns how many. */
    int purgeBatch(long cutoff, int batch, AuditRecord audit);

    /** Audit rows, newest first, matching what is given ({@code null}: any), after the row {@code beforeId}. */
    List<dev.pkauth.AuditEvent> audit(String keyId, String userId, Long since, int limit, Long beforeId);

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
    default FailedCount countFailed(String budget, long now, long windowSeconds) {
        return null;
    }

    /** Writes {@code last_used_at} and {@code last_used_ip} for unrevoked keys, never moving them backwards. */
    void touch(Map<String, TouchWriter.Touch> lastUsedById);

    /**
     * Starts telling {@code changed} about keys changed by anyone sharing the table (other
     * processes, other stores, or SQL typed by an operator): revoked, purged, refreshed, rotated,
     * re-hashed; and {@code changedAll} when it may have missed some. Backends that cannot tell
     * return a no-op; the cache TTL then bounds staleness.
     */
    default AutoCloseable watch(java.util.function.Consumer<String> changed, Runnable changedAll) {
        return () -> {};
    }

    @Override
    void close();
}
