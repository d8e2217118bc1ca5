package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;

/**
 * A key's life: minting under the lineage and per-user bounds, reading, changing, rotating, and the changes that follow its lineage. Each change commits with its audit record.
 * The port of the lifecycle; implementations throw {@link dev.pkauth.StoreUnavailableException}
 * when they cannot answer, never turning a failure into "not found".
 */
public interface KeyChanges {
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

    /** One page of keys the filter selects, newest first, after ({@code afterCreatedAt}, {@code afterId}). */
    List<KeyRecord> query(KeyFilter filter, int limit, @Nullable Long afterCreatedAt, @Nullable String afterId);

    /** Sets {@code expires_at} on an unrevoked key; false when no such unrevoked key exists. */
    boolean updateExpiry(String id, @Nullable Long expiresAt, AuditRecord audit);

    /**
     * Inserts {@code replacement}, ends {@code oldId} (new expiry or revocation) and moves the keys
     * {@code oldId} minted to {@code replacement}, atomically; false (and nothing written) when
     * {@code oldId} is unknown or revoked.
     */
    boolean rotate(String oldId, @Nullable Long oldExpiresAt, @Nullable Long oldRevokedAt, KeyRecord replacement,
            AuditRecord audit);

    /**
     * Sets an unrevoked key's limits; credits as given, the refill clock restarting at {@code now}.
     * False when there is no such unrevoked key.
     */
    boolean setLimits(String id, dev.pkauth.UsageLimits limits, long now, AuditRecord audit);

    /** Sets or clears ({@code null}) the metadata of an unrevoked key; false when there is none. */
    boolean setMetadata(String id, @Nullable String json, AuditRecord audit);

    /** Sets or clears ({@code null}) the allowlist (canonical CIDRs) of an unrevoked key. */
    boolean setAllowedIps(String id, @Nullable String cidrs, AuditRecord audit);

    /**
     * Revokes the key and every key minted from it, transitively, in one transaction.
     *
     * @return the ids this call revoked (keys already revoked are left as they are, but their
     *     descendants are still revoked)
     */
    List<String> revokeTree(String id, long revokedAt, AuditRecord audit);

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
}
