package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.token.IdTags;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyFilter;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.KeyRepository;
import dev.pkauth.internal.store.Touch;

import dev.pkauth.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key table over JDBC, on SQLite or PostgreSQL. Every {@link SQLException} becomes a
 * {@link StoreUnavailableException}: a database that cannot answer never looks like a bad key.
 *
 * <p>Verification lookups use their own connections ({@code lookups}), so a burst of management
 * calls (lists, creates, sweeps) can slow management but never starve verification.
 *
 * <p>Every change to a key's verdict reaches the other processes sharing the table through
 * triggers the migration installs, whoever makes it (this library, another process, or SQL typed
 * by an operator): on PostgreSQL a {@code pg_notify} with the key's id, on SQLite a row in a small
 * change table that the watcher reads.
 *
 * <p>This class keeps the rows and their lifecycle; its parts (sharing its pools and SQLite's
 * write lock) keep the rest: {@link JdbcSchema} the tables and triggers, {@link JdbcLineage}
 * changes down a key's lineage, {@link JdbcUsage} metering, {@link JdbcOperations} queries and
 * batches, {@link JdbcAuditLog} the audit table. What differs between SQLite and PostgreSQL is
 * said once, by {@link Dialect}.
 */
public final class JdbcKeyRepository extends JdbcBase implements KeyRepository {
    private static final Logger log = LoggerFactory.getLogger(JdbcKeyRepository.class);

    private final DataSource lookups;
    private final JdbcSchema schema;
    private final JdbcAuditLog auditLog;
    private final JdbcLineage lineage;
    private final JdbcUsage usage;
    private final JdbcOperations operations;
    private final JdbcImports imports;
    private final JdbcIdempotency idempotency;
    private final String insertSql;
    private final String findSql;
    private final String countActiveSql;
    private final String countRecentSql;
    private final String updateExpirySql;
    private final String deleteSql;
    private final String replaceHashSql;
    private final String recentPepperIdsSql;
    private final String endSql;
    private final String adoptSql;
    private final String touchSql;
    private final String setLimitsSql;

    /**
     * @param lookups connections for verification lookups; may be {@code dataSource} itself
     * @param owned closed with this repository (the pools it made), or {@code null} when the
     *     application owns the data source
     */
    public JdbcKeyRepository(DataSource dataSource, DataSource lookups, @Nullable AutoCloseable owned, Dialect dialect, String table) {
        super(dataSource, owned, dialect, table);
        this.lookups = lookups;
        this.schema = new JdbcSchema(this);
        this.auditLog = new JdbcAuditLog(this);
        this.lineage = new JdbcLineage(this, auditLog);
        this.usage = new JdbcUsage(this, lookups);
        this.operations = new JdbcOperations(this, auditLog);
        this.imports = new JdbcImports(this, lookups, auditLog);
        this.idempotency = new JdbcIdempotency(this);
        insertSql = "INSERT INTO " + table + " (" + Rows.COLUMNS + ", id_tagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        setLimitsSql = "UPDATE " + table + " SET rate_limit = ?, rate_window = ?, credits = ?, refill_amount = ?,"
                + " refill_interval = ?, last_refill_at = ? WHERE id = ? AND revoked_at IS NULL";
        findSql = "SELECT " + Rows.COLUMNS + " FROM " + table + " WHERE id = ?";
        countRecentSql = "SELECT count(*) FROM " + table + " WHERE user_id = ? AND created_at > ?";
        countActiveSql = "SELECT count(*) FROM " + table
                + " WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";
        updateExpirySql = "UPDATE " + table + " SET expires_at = ? WHERE id = ? AND revoked_at IS NULL";
        deleteSql = "DELETE FROM " + table + " WHERE id = ?";
        replaceHashSql = "UPDATE " + table + " SET secret_hash = ?, pepper_id = ? WHERE id = ? AND secret_hash = ?";
        recentPepperIdsSql = "SELECT pepper_id FROM " + table + " WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT ?";
        endSql = "UPDATE " + table + " SET expires_at = ?, revoked_at = ?, rotated_to = ? WHERE id = ? AND revoked_at IS NULL";
        adoptSql = "UPDATE " + table + " SET created_by = ? WHERE created_by = ?";
        touchSql = "UPDATE " + table + " SET last_used_at = ?, last_used_ip = ? WHERE id = ? AND revoked_at IS NULL"
                + " AND (last_used_at IS NULL OR last_used_at < ?)";
    }

    @Override
    public Optional<KeyRecord> create(KeyRecord draft, long now, int maxActive,
            java.util.function.LongFunction<RuntimeException> tooFast, BinaryOperator<KeyRecord> fit, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            KeyRecord parent = draft.createdBy() == null ? null : lockActiveParent(c, draft.createdBy());
            KeyRecord row = fit.apply(parent, draft);
            // Serialises creates of one user across processes, so the count below stays exact
            // (unambiguous: a table name has no colon).
            dialect.serialize(c, table + ":" + row.userId());
            try (PreparedStatement ps = c.prepareStatement(countActiveSql)) {
                ps.setString(1, row.userId());
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= maxActive) return Optional.<KeyRecord>empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(countRecentSql)) {
                ps.setString(1, row.userId());
                ps.setLong(2, now - CREATION_WINDOW_SECONDS);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= (long) CREATIONS_PER_HOUR_PER_ACTIVE * maxActive) throw tooFast.apply(rs.getLong(1));
                }
            }
            insert(c, row);
            auditLog.appendAudit(c, audit);
            return Optional.of(row);
        }), "create a key");
    }

    /**
     * The parent row if it is unrevoked, locked until commit so that a concurrent revoke of it
     * waits for this insert (and then revokes the new key too) or makes this insert see it revoked.
     */
    private @Nullable KeyRecord lockActiveParent(Connection c, String parentId) throws SQLException {
        String sql = findSql + dialect.parentLock();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                KeyRecord parent = Rows.row(rs);
                return parent.revokedAt() == null ? parent : null;
            }
        }
    }

    private void insert(Connection c, KeyRecord k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            int next = Rows.bindRow(ps, k);
            setLong(ps, next, tagging ? 1L : null);
            ps.executeUpdate();
        }
    }

    @Override
    public Claim claim(String scope, String key, String requestHash, long now) {
        return idempotency.claim(scope, key, requestHash, now);
    }

    @Override
    public void complete(String scope, String key, String keyId) {
        idempotency.complete(scope, key, keyId);
    }

    @Override
    public void release(String scope, String key) {
        idempotency.release(scope, key);
    }

    @Override
    public boolean insertImported(KeyRecord row, boolean tagged, String importRef, @Nullable String lookupHash, AuditRecord audit) {
        return imports.insertImported(row, tagged, importRef, lookupHash, audit);
    }

    @Override
    public boolean imported(String importRef) {
        return imports.imported(importRef);
    }

    @Override
    public Optional<KeyRecord> findByLookupHash(String lookupHash) {
        return imports.findByLookupHash(lookupHash);
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        return Rows.findOne(this, lookups, findSql, id);
    }

    @Override
    public boolean updateExpiry(String id, @Nullable Long expiresAt, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(updateExpirySql)) {
                setLong(ps, 1, expiresAt);
                ps.setString(2, id);
                return auditLog.audited(c, ps.executeUpdate() == 1, audit);
            }
        }), "change a key's expiry");
    }

    @Override
    public boolean delete(String id, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            String user = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM " + table + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) user = rs.getString(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                ps.setString(1, id);
                return auditLog.audited(c, ps.executeUpdate() == 1, audit.withUserId(user));
            }
        }), "purge a key");
    }

    @Override
    public void replaceHash(String id, String expectedHash, String newHash, @Nullable String pepperId) {
        write(c -> replaceHash(c, id, expectedHash, newHash, pepperId), "re-hash a key under the current pepper");
    }

    /** The pepper re-hash's statement, for an imported key's first use too, with its audit row. */
    @Override
    public boolean upgradeHash(String id, String expectedHash, String newHash, String pepperId, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> auditLog.audited(c, replaceHash(c, id, expectedHash, newHash, pepperId) == 1, audit)),
                "upgrade an imported key's hash");
    }

    private int replaceHash(Connection c, String id, String expectedHash, String newHash, @Nullable String pepperId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(replaceHashSql)) {
            ps.setString(1, newHash);
            ps.setString(2, pepperId);
            ps.setString(3, id);
            ps.setString(4, expectedHash);
            return ps.executeUpdate();
        }
    }

    /** Whether this repository's store mints tagged ids (it read a tag key): rows it inserts say so. */
    private volatile boolean tagging;

    @Override
    public IdTags idTags() {
        try {
            IdTags tags = read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + name("meta") + " WHERE name = ?")) {
                    ps.setString(1, JdbcSchema.TAG_KEY);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? IdTags.fromText(rs.getString(1)) : IdTags.NONE;
                    }
                }
            }, "read the id tag key");
            tagging = tags.enabled();
            return tags;
        } catch (dev.pkauth.StoreUnavailableException e) {
            // A table nobody migrated (no meta table yet): ids are looked up as before.
            log.debug("pkauth: no id tag key for {}: {}", table, e.getMessage());
            return IdTags.NONE;
        }
    }

    @Override
    public boolean hasUntaggedKeys() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id_tagged IS NULL LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }, "look for keys without an id tag");
    }

    @Override
    public List<@Nullable String> recentPepperIds(int limit) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(recentPepperIdsSql)) {
                ps.setInt(1, limit);
                List<@Nullable String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
                return ids;
            }
        }, "read the newest keys' pepper fingerprints");
    }

    @Override
    public boolean rotate(String oldId, @Nullable Long oldExpiresAt, @Nullable Long oldRevokedAt, KeyRecord replacement,
            AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement end = c.prepareStatement(endSql)) {
                setLong(end, 1, oldExpiresAt);
                setLong(end, 2, oldRevokedAt);
                end.setString(3, replacement.id());
                end.setString(4, oldId);
                if (end.executeUpdate() != 1) return false;
            }
            insert(c, replacement);
            try (PreparedStatement adopt = c.prepareStatement(adoptSql)) {
                adopt.setString(1, replacement.id());
                adopt.setString(2, oldId);
                adopt.executeUpdate();
            }
            auditLog.appendAudit(c, audit);
            auditLog.appendAudit(c, audit.onSuccessor(replacement.id()));
            return true;
        }), "rotate a key");
    }

    @Override
    public void touch(Map<String, Touch> lastUsedById) {
        if (lastUsedById.isEmpty()) return;
        write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(touchSql)) {
                for (Map.Entry<String, Touch> e : lastUsedById.entrySet()) {
                    ps.setLong(1, e.getValue().at());
                    ps.setString(2, e.getValue().ip());
                    ps.setString(3, e.getKey());
                    ps.setLong(4, e.getValue().at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return Boolean.TRUE;
        }), "record key use");
    }

    @Override
    public boolean setLimits(String id, dev.pkauth.UsageLimits l, long now, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(setLimitsSql)) {
                setLong(ps, 1, l.rateLimit() == null ? null : (long) l.rateLimit().requests());
                setLong(ps, 2, l.rateLimit() == null ? null : l.rateLimit().window().toSeconds());
                setLong(ps, 3, l.credits());
                setLong(ps, 4, l.refill() == null ? null : l.refill().amount());
                setLong(ps, 5, l.refill() == null ? null : l.refill().interval().toSeconds());
                setLong(ps, 6, l.refill() == null ? null : now);
                ps.setString(7, id);
                return auditLog.audited(c, ps.executeUpdate() == 1, audit);
            }
        }), "set a key's limits");
    }

    @Override
    public boolean setMetadata(String id, @Nullable String json, AuditRecord audit) {
        return setColumn("metadata", id, json, audit, "set a key's metadata");
    }

    @Override
    public boolean setAllowedIps(String id, @Nullable String cidrs, AuditRecord audit) {
        return setColumn("allowed_ips", id, cidrs, audit, "set a key's allowed addresses");
    }

    private boolean setColumn(String column, String id, @Nullable String value, AuditRecord audit, String what) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + column + " = ? WHERE id = ?"
                    + " AND revoked_at IS NULL")) {
                ps.setString(1, value);
                ps.setString(2, id);
                return auditLog.audited(c, ps.executeUpdate() == 1, audit);
            }
        }), what);
    }

    @Override
    public AutoCloseable watch(java.util.function.Consumer<String> changed, Runnable changedAll) {
        ChangeWatcher watcher = dialect.sharedByProcesses()
                ? new ChangeWatcher.Notifications(lookups, schema.channel(), changed, changedAll)
                : new ChangeWatcher.ChangeLog(lookups, schema.changeTable(), changed, changedAll);
        watcher.start();
        return watcher;
    }

    // --- the parts ---------------------------------------------------------------------------

    @Override
    public void migrate() {
        schema.migrate();
    }

    @Override
    public List<String> revokeTree(String id, long revokedAt, AuditRecord audit) {
        return lineage.revokeTree(id, revokedAt, audit);
    }

    @Override
    public List<String> disableTree(String id, long at, String via, AuditRecord audit) {
        return lineage.disableTree(id, at, via, audit);
    }

    @Override
    public List<String> enableTree(String id, List<String> vias, AuditRecord audit) {
        return lineage.enableTree(id, vias, audit);
    }

    @Override
    public List<String> revokeAll(String userId, long at, AuditRecord audit) {
        return lineage.revokeAll(userId, at, audit);
    }

    @Override
    public Spend spend(List<String> ids, long cost, long now) {
        return usage.spend(ids, cost, now);
    }

    @Override
    public void refund(List<String> ids, long credits) {
        usage.refund(ids, credits);
    }

    @Override
    public @Nullable Long secondsToRefill(String id, long now) {
        return usage.secondsToRefill(id, now);
    }

    @Override
    public boolean sharesWindows() {
        return usage.sharesWindows();
    }

    @Override
    public long leaseHits(String id, long windowStart, long chunk) {
        return usage.leaseHits(id, windowStart, chunk);
    }

    @Override
    public @Nullable FailedCount countFailed(String budget, long now, long windowSeconds) {
        return usage.countFailed(budget, now, windowSeconds);
    }

    @Override
    public List<KeyRecord> query(KeyFilter filter, int limit, @Nullable Long afterCreatedAt, @Nullable String afterId) {
        return operations.query(filter, limit, afterCreatedAt, afterId);
    }

    @Override
    public long count(KeyFilter filter) {
        return operations.count(filter);
    }

    @Override
    public List<String> revokeUnused(long cutoff, long at, int batch, AuditRecord audit) {
        return operations.revokeUnused(cutoff, at, batch, audit);
    }

    @Override
    public long countPurgeable(long cutoff) {
        return operations.countPurgeable(cutoff);
    }

    @Override
    public int purgeBatch(long cutoff, int batch, AuditRecord audit) {
        return operations.purgeBatch(cutoff, batch, audit);
    }

    @Override
    public List<dev.pkauth.AuditEvent> audit(@Nullable String keyId, @Nullable String userId, @Nullable Long since, int limit,
            @Nullable Long beforeId) {
        return auditLog.read(keyId, userId, since, limit, beforeId);
    }

    @Override
    public String toString() {
        return "JdbcKeyRepository[" + dialect + ", table=" + table + "]";
    }
}
