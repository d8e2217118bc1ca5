package dev.pkauth.internal;

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
     * under a per-user lock, and nothing is inserted when there are {@code maxActive} already.
     *
     * @param fit (parent or {@code null}, draft) → the row to insert
     * @return the inserted row, or empty when the user already has {@code maxActive} active keys
     */
    Optional<KeyRecord> create(KeyRecord draft, long now, int maxActive, BinaryOperator<KeyRecord> fit);

    Optional<KeyRecord> find(String id);

    /**
     * One page of the user's keys, newest first ({@code created_at} then {@code id}, both
     * descending), starting after the key at ({@code afterCreatedAt}, {@code afterId}) when given.
     */
    List<KeyRecord> listByUser(String userId, boolean includeRevoked, int limit, Long afterCreatedAt, String afterId);

    /** Sets {@code expires_at} on an unrevoked key; false when no such unrevoked key exists. */
    boolean updateExpiry(String id, Long expiresAt);

    /**
     * Revokes the key and every key minted from it, transitively, in one transaction.
     *
     * @return the ids this call revoked (keys already revoked are left as they are, but their
     *     descendants are still revoked)
     */
    List<String> revokeTree(String id, long revokedAt);

    boolean delete(String id);

    /** Replaces the hash only if it is still {@code expectedHash}: a pepper upgrade. */
    void replaceHash(String id, String expectedHash, String newHash);

    /**
     * Inserts {@code replacement}, ends {@code oldId} (new expiry or revocation) and moves the keys
     * {@code oldId} minted to {@code replacement}, atomically; false (and nothing written) when
     * {@code oldId} is unknown or revoked.
     */
    boolean rotate(String oldId, Long oldExpiresAt, Long oldRevokedAt, KeyRecord replacement);

    /** Writes {@code last_used_at} for unrevoked keys, never moving it backwards. */
    void touch(Map<String, Long> lastUsedById);

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
