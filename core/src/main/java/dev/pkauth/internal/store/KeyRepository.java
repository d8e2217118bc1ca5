package dev.pkauth.internal.store;

/**
 * Storage of key rows, one per backend: the union of the narrow ports each part of the engine
 * is given ({@link KeyLookups} the verifier, {@link UsageCounters} the meter, {@link KeyChanges}
 * the lifecycle, {@link KeyScans} the operations, {@link AuditReads} the audit log, {@link UseLog}
 * the touch writer, {@link KeyImports} the importer,
 * {@link IdempotencyRecords} idempotent mints), and the schema and life of the storage itself. Implementations throw {@link
 * dev.pkauth.StoreUnavailableException} when they cannot answer; they never turn a failure into
 * "not found".
 */
public interface KeyRepository extends KeyLookups, UseLog, UsageCounters, KeyChanges, KeyScans, AuditReads, KeyImports,
        IdempotencyRecords, AutoCloseable {
    /** Creates the table, indexes and change triggers when absent and upgrades an older table; idempotent. */
    void migrate();

    @Override
    void close();
}
