package dev.pkauth;

import dev.pkauth.internal.engine.Actor;
import dev.pkauth.internal.engine.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * What operators do to every user's keys, from {@link ApiKeyStore#operations()}: queries and
 * counts over all keys, bulk sweeps and purges, the audit log, and what the store is. Changes are
 * recorded as made by the actor of the store view it came from. Thread-safe; cheap to get.
 */
public final class KeyOperations {
    private final Engine engine;
    private final Actor actor;

    KeyOperations(Engine engine, Actor actor) {
        this.engine = engine;
        this.actor = actor;
    }

    /**
     * Where the keys live, as an operator compares it with the application's: a SQLite file by its
     * absolute path, a server's URL without what may hold a password, and the table
     * ({@code jdbc:sqlite:/srv/app/keys.db (table pkauth_api_keys)}).
     *
     * @return the database and table of this store
     */
    public String location() {
        return engine.location();
    }

    /**
     * Copies keys of another system into this store with their hashes as stored there, so the
     * tokens already handed out keep working; each is re-stored as pkauth's HMAC on its first
     * verified use. Idempotent: a key of the same {@code source} and {@link ImportedKey#sourceId}
     * imported before is skipped, so a second run changes nothing and a later one adds only new
     * keys. A key that cannot be imported (an unreadable hash, a bad scope…) is refused with its
     * reason while the rest go on. Each import is audited ({@code import}, with the source).
     *
     * <pre>{@code
     * ImportResult r = store.withActor("migration").operations()
     *         .importKeys("better-auth", keys, false, p -> log.info("{} keys read", p.total()));
     * }</pre>
     *
     * @param source what the keys came from, 1 to 32 characters of {@code [a-z0-9-]}
     *     ({@code better-auth}, {@code unkey}, {@code csv}): recorded as the keys' creator
     *     ({@code import:<source>}) and part of what makes a re-run skip them
     * @param keys the keys, read once, in order
     * @param dryRun true to report what would be imported without writing anything
     * @param progress told the counts so far every 500 keys, or {@code null}
     * @return what was imported, skipped and refused
     * @throws IllegalArgumentException for a malformed source name
     * @throws StoreUnavailableException when the database cannot be written (keys before it stay imported)
     */
    public ImportResult importKeys(String source, Iterable<ImportedKey> keys, boolean dryRun,
            java.util.function.@Nullable Consumer<ImportResult> progress) {
        return engine.importKeys(actor, source, keys, dryRun, progress);
    }

    /**
     * What every key of this store must meet ({@link KeyPolicy#NONE} when nothing is required).
     *
     * @return the store's key policy
     */
    public KeyPolicy keyPolicy() {
        return engine.keyPolicy();
    }

    /**
     * The fingerprint of the pepper new keys are hashed under: four hex digits of an HMAC made
     * with it, which identify a pepper without revealing it (the store logs it when it opens).
     *
     * @return the current pepper's fingerprint
     */
    public String pepperFingerprint() {
        engine.ensureOpen();
        return engine.pepperFingerprint();
    }

    /**
     * The pepper fingerprints of the newest keys (up to 100) that this store cannot verify because
     * they were hashed under a pepper it does not hold: empty when it holds theirs. A tool that
     * mints (the CLI does) checks this first, so a key is never minted under a pepper the
     * application does not have.
     *
     * @return the distinct fingerprints of peppers this store lacks, newest key's first
     * @throws StoreUnavailableException when the database cannot be read
     */
    public Set<String> foreignPepperFingerprints() {
        engine.ensureOpen();
        return engine.foreignPepperFingerprints();
    }

    /**
     * Keys of all users (or one), filtered by status, expiry and use, newest first, one keyset
     * page at a time. Each filter is served by an index.
     *
     * @param q the query
     * @return one page of the keys it selects
     * @throws IllegalArgumentException when the page size is out of range or the cursor is not one this store gave
     */
    public KeyPage query(KeyQuery q) {
        engine.ensureOpen();
        return engine.operations().query(q);
    }

    /**
     * How many keys a query selects (for dry runs and reports); pages and limits are ignored.
     *
     * @param q the query
     * @return how many keys it selects
     */
    public long count(KeyQuery q) {
        engine.ensureOpen();
        return engine.operations().count(q);
    }

    /**
     * Revokes keys not used for {@code unusedFor} (never-used keys count from their creation), in
     * batches of 1,000, each its own transaction with an audit row. With {@code dryRun} nothing
     * changes and the count is what would be revoked.
     *
     * @param unusedFor revoke keys not used for this long
     * @param dryRun count only, change nothing
     * @param progress told the running total after each batch; may be {@code null}
     * @return how many keys were (or would be) revoked
     */
    public long sweepUnused(Duration unusedFor, boolean dryRun, @Nullable LongConsumer progress) {
        engine.ensureOpen();
        return engine.operations().sweepUnused(actor, unusedFor, dryRun, progress);
    }

    /**
     * Deletes keys revoked, or expired, more than {@code olderThan} ago, in batches of 1,000 with
     * an audit row each. With {@code dryRun} nothing changes and the count is what would go.
     *
     * @param olderThan delete rows revoked or expired longer ago than this
     * @param dryRun count only, change nothing
     * @param progress told the running total after each batch; may be {@code null}
     * @return how many rows were (or would be) deleted
     */
    public long purgeEnded(Duration olderThan, boolean dryRun, @Nullable LongConsumer progress) {
        engine.ensureOpen();
        return engine.operations().purgeEnded(actor, olderThan, dryRun, progress);
    }

    /**
     * Deletes a key's row for good.
     *
     * @param id the key's id ({@code key_…})
     * @return whether a row was deleted
     */
    public boolean purge(String id) {
        engine.ensureOpen();
        return engine.operations().purge(actor, id);
    }

    /**
     * The audit log, newest first: what was done to a key, to a user's keys, or since a time
     * ({@code null}: any).
     *
     * @param keyId the key's id, or {@code null} for any
     * @param userId the owner's user id, or {@code null} for any
     * @param since only events at or after this, or {@code null}
     * @param limit 1 to {@value ApiKeyStore#MAX_PAGE_SIZE}
     * @param beforeId the {@link AuditEvent#id()} of the last event of the previous page, or {@code null}
     * @return one page of the audit log
     */
    public List<AuditEvent> auditLog(@Nullable String keyId, @Nullable String userId, @Nullable Instant since, int limit,
            @Nullable Long beforeId) {
        engine.ensureOpen();
        return engine.audits().read(keyId, userId, since, limit, beforeId);
    }

    @Override
    public String toString() {
        return "KeyOperations[" + engine + " as " + actor.name() + "]";
    }
}
