package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.store.AuditRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The audit table: records appended in the transaction of the change they describe, and read back. */
final class JdbcAuditLog extends JdbcBase {
    JdbcAuditLog(JdbcBase same) {
        super(same);
    }

    /** Appends {@code audit} when {@code changed}; returns {@code changed}. */
    boolean audited(Connection c, boolean changed, AuditRecord audit) throws SQLException {
        if (changed) appendAudit(c, audit);
        return changed;
    }

    void appendAudit(Connection c, AuditRecord a) throws SQLException {
        if (a == null) return;
        appendAll(c, List.of(a));
    }

    /** Inserts the records in one batch; a record without a user gets its key's (the row must still exist). */
    void appendAll(Connection c, List<AuditRecord> records) throws SQLException {
        if (records.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name("audit")
                + " (at, actor, action, key_id, user_id, detail) VALUES (?, ?, ?, ?, coalesce(?, (SELECT user_id FROM "
                + table + " WHERE id = ?)), ?)")) {
            for (AuditRecord a : records) {
                ps.setLong(1, a.at());
                ps.setString(2, a.actor());
                ps.setString(3, a.action());
                ps.setString(4, a.keyId());
                ps.setString(5, a.userId());
                ps.setString(6, a.keyId());
                ps.setString(7, a.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The log, newest first, filtered as {@link dev.pkauth.internal.store.KeyRepository#audit} says. */
    List<dev.pkauth.AuditEvent> read(@Nullable String keyId, @Nullable String userId, @Nullable Long since, int limit,
            @Nullable Long beforeId) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, key_id, user_id, detail FROM " + name("audit")
                + " WHERE 1 = 1");
        List<Object> p = new ArrayList<>();
        if (keyId != null) {
            sql.append(" AND key_id = ?");
            p.add(keyId);
        }
        if (userId != null) {
            sql.append(" AND user_id = ?");
            p.add(userId);
        }
        if (since != null) {
            sql.append(" AND at >= ?");
            p.add(since);
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            p.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = Rows.bind(ps, p);
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<dev.pkauth.AuditEvent> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new dev.pkauth.AuditEvent(rs.getLong(1), java.time.Instant.ofEpochSecond(rs.getLong(2)),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                    return List.copyOf(out);
                }
            }
        }, "read the audit log");
    }
}
