package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * Operating on every user's keys: filtered pages and counts, batched sweeps and purges, offboarding a user, deleting a row.
 * The port of the operations; implementations throw {@link dev.pkauth.StoreUnavailableException}
 * when they cannot answer, never turning a failure into "not found".
 */
public interface KeyScans {
    /** One page of keys the filter selects, newest first, after ({@code afterCreatedAt}, {@code afterId}). */
    List<KeyRecord> query(KeyFilter filter, int limit, @Nullable Long afterCreatedAt, @Nullable String afterId);

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

    /** Revokes every unrevoked key of the user in one statement; returns their ids. */
    List<String> revokeAll(String userId, long at, AuditRecord audit);

    boolean delete(String id, AuditRecord audit);
}
