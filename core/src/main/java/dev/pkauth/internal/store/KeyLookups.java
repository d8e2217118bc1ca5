package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Optional;

/**
 * What verification reads: a key by its id, the table's id tags, and the changes that keep a cache true; and the one write it makes, moving a key to the current pepper.
 * The port of the verifier; implementations throw {@link dev.pkauth.StoreUnavailableException}
 * when they cannot answer, never turning a failure into "not found".
 */
public interface KeyLookups {
    Optional<KeyRecord> find(String id);

    /**
     * Replaces the hash and its pepper's fingerprint only if the hash is still {@code expectedHash}:
     * a pepper upgrade, or recording the fingerprint of a row that had none.
     */
    void replaceHash(String id, String expectedHash, String newHash, @Nullable String pepperId);

    /**
     * The pepper fingerprints of the {@code limit} most recently created unrevoked keys, {@code null}
     * for rows without one: how the store tells at start whether its peppers are the table's.
     */
    List<@Nullable String> recentPepperIds(int limit);

    /**
     * The table's id tag key ({@link dev.pkauth.internal.token.IdTags#NONE} when it has none,
     * e.g. a table nobody migrated). Rows this repository inserts afterwards are marked tagged
     * when it has one; the store mints with exactly these tags.
     */
    dev.pkauth.internal.token.IdTags idTags();

    /** Whether any row's id was not minted with a tag (Pylon's, older pkauth's): such ids must be looked up. */
    boolean hasUntaggedKeys();

    /**
     * Starts telling {@code changed} about keys changed by anyone sharing the table (other
     * processes, other stores, or SQL typed by an operator): revoked, purged, refreshed, rotated,
     * re-hashed; and {@code changedAll} when it may have missed some. Backends that cannot tell
     * return a no-op; the cache TTL then bounds staleness.
     */
    default AutoCloseable watch(java.util.function.Consumer<String> changed, Runnable changedAll) {
        return () -> {};
    }
}
