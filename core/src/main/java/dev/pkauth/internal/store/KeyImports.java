package dev.pkauth.internal.store;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Keys that came from another system: inserted once per source row, found by the SHA-256 of a
 * legacy token, and moved to pkauth's HMAC on their first verified use. The port of the importer
 * and of the verifier's first-use upgrade; implementations throw {@link
 * dev.pkauth.StoreUnavailableException} when they cannot answer.
 */
public interface KeyImports {
    /**
     * Inserts an imported row unless a row with its id, its {@code importRef} or its {@code
     * lookupHash} exists; in the same transaction as its audit record.
     *
     * @param tagged whether the row's id was minted with this table's id tag (ids pkauth made for
     *     keys whose tokens carry none); ids from the source are not
     * @param lookupHash hex SHA-256 of the whole token, for a legacy token's lookup, or {@code null}
     * @return false when it was there already (nothing written)
     */
    boolean insertImported(KeyRecord row, boolean tagged, String importRef, @Nullable String lookupHash, AuditRecord audit);

    /** Whether a row was imported from {@code importRef} already (what a dry run reports as skipped). */
    boolean imported(String importRef);

    /** The row a legacy token's SHA-256 (hex) finds, by an index. */
    Optional<KeyRecord> findByLookupHash(String lookupHash);

    /**
     * Replaces a foreign hash by pkauth's HMAC, only if the row still holds {@code expectedHash},
     * with its audit record; false when another process upgraded (or changed) it first.
     */
    boolean upgradeHash(String id, String expectedHash, String newHash, String pepperId, AuditRecord audit);
}
