package dev.pkauth.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Storage of key rows. Implementations throw {@link dev.pkauth.StoreUnavailableException} when
 * they cannot answer; they never turn a failure into "not found".
 */
public interface KeyRepository extends AutoCloseable {

    /** Creates the table and index when absent and upgrades an older table; idempotent. */
    void migrate();

    void insert(KeyRecord key);

    Optional<KeyRecord> find(String id);

    /** The user's keys, newest first. */
    List<KeyRecord> listByUser(String userId, boolean includeRevoked);

    /** Sets {@code expires_at} on an unrevoked key; false when no such unrevoked key exists. */
    boolean updateExpiry(String id, Long expiresAt);

    /** Sets {@code revoked_at} once; false when the key is unknown or already revoked. */
    boolean revoke(String id, long revokedAt);

    boolean delete(String id);

    /** Replaces the hash only if it is still {@code expectedHash}: a pepper upgrade. */
    void replaceHash(String id, String expectedHash, String newHash);

    /**
     * Inserts {@code replacement} and ends {@code oldId} (new expiry or revocation) atomically;
     * false (and nothing written) when {@code oldId} is unknown or revoked.
     */
    boolean rotate(String oldId, Long oldExpiresAt, Long oldRevokedAt, KeyRecord replacement);

    /** Writes {@code last_used_at} for unrevoked keys, never moving it backwards. */
    void touch(Map<String, Long> lastUsedById);

    /**
     * Starts telling {@code changed} about keys other processes changed (revoked, purged,
     * refreshed, rotated, re-hashed), and {@code changedAll} when it may have missed some.
     * Backends that cannot tell return a no-op; the cache TTL then bounds staleness.
     */
    default AutoCloseable watch(java.util.function.Consumer<String> changed, Runnable changedAll) {
        return () -> {};
    }

    @Override
    void close();
}
