package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyFilter;
import dev.pkauth.internal.store.KeyRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Operating on every user's keys: filtered, keyset-paged queries and counts (each filter on an
 * index), and the batched sweeps and purges, each batch one transaction with its audit rows.
 */
final class JdbcOperations extends JdbcBase {
    private final JdbcAuditLog auditLog;

    JdbcOperations(JdbcBase same, JdbcAuditLog auditLog) {
        super(same);
        this.auditLog = auditLog;
    }

    /** The WHERE clause of a filter, and its parameters in order. */
    private record Where(String sql, List<Object> params) {}

    private static Where where(KeyFilter f) {
        StringBuilder w = new StringBuilder(" WHERE 1 = 1");
        List<Object> p = new ArrayList<>();
        if (f.userId() != null) {
            w.append(" AND user_id = ?");
            p.add(f.userId());
        }
        if (f.status() != null) {
            switch (f.status()) {
                case "revoked" -> w.append(" AND revoked_at IS NOT NULL");
                case "unrevoked" -> w.append(" AND revoked_at IS NULL");
                case "disabled" -> w.append(" AND revoked_at IS NULL AND disabled_at IS NOT NULL");
                case "expired" -> {
                    w.append(" AND revoked_at IS NULL AND disabled_at IS NULL AND expires_at <= ?");
                    p.add(f.now());
                }
                case "active" -> {
                    w.append(" AND revoked_at IS NULL AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
                            + " AND rotated_to IS NULL");
                    p.add(f.now());
                }
                case "rotated" -> {
                    w.append(" AND revoked_at IS NULL AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
                            + " AND rotated_to IS NOT NULL");
                    p.add(f.now());
                }
                default -> throw new IllegalArgumentException("unknown status " + f.status());
            }
        }
        if (f.expiringBefore() != null) {
            w.append(" AND revoked_at IS NULL AND expires_at > ? AND expires_at <= ?");
            p.add(f.now());
            p.add(f.expiringBefore());
        }
        if (f.unusedBefore() != null) {
            w.append(" AND revoked_at IS NULL AND coalesce(last_used_at, created_at) < ?");
            p.add(f.unusedBefore());
        }
        return new Where(w.toString(), p);
    }

    List<KeyRecord> query(KeyFilter filter, int limit, @Nullable Long afterCreatedAt, @Nullable String afterId) {
        Where w = where(filter);
        String sql = "SELECT " + Rows.COLUMNS + " FROM " + table + w.sql()
                + (afterId == null ? "" : " AND (created_at < ? OR (created_at = ? AND id < ?))")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = Rows.bind(ps, w.params());
                if (afterId != null && afterCreatedAt != null) {
                    ps.setLong(i++, afterCreatedAt);
                    ps.setLong(i++, afterCreatedAt);
                    ps.setString(i++, afterId);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<KeyRecord> out = new ArrayList<>();
                    while (rs.next()) out.add(Rows.row(rs));
                    return List.copyOf(out);
                }
            }
        }, "query keys");
    }

    long count(KeyFilter filter) {
        Where w = where(filter);
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + w.sql())) {
                Rows.bind(ps, w.params());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }, "count keys");
    }

    List<String> revokeUnused(long cutoff, long at, int batch, AuditRecord audit) {
        String sql = "UPDATE " + table + " SET revoked_at = ? WHERE id IN (SELECT id FROM " + table
                + " WHERE revoked_at IS NULL AND coalesce(last_used_at, created_at) < ?"
                // Oldest first, along the partial index: each batch is an index range scan.
                + " ORDER BY coalesce(last_used_at, created_at) LIMIT ?) AND revoked_at IS NULL"
                + " RETURNING id";
        return write(c -> inTransaction(c, () -> {
            List<String> ids = Rows.returningIds(c, sql, ps -> {
                ps.setLong(1, at);
                ps.setLong(2, cutoff);
                ps.setInt(3, batch);
            });
            if (!ids.isEmpty()) {
                auditLog.appendAll(c, audit.cascade("{\"revoked\":" + ids.size() + ",\"unused_before\":" + cutoff + "}", ids,
                        "{\"unused_before\":" + cutoff + "}"));
            }
            return ids;
        }), "sweep unused keys");
    }

    private static final String PURGEABLE = " WHERE revoked_at < ? OR (revoked_at IS NULL AND expires_at < ?)";

    long countPurgeable(long cutoff) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + PURGEABLE)) {
                ps.setLong(1, cutoff);
                ps.setLong(2, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }, "count purgeable keys");
    }

    int purgeBatch(long cutoff, int batch, AuditRecord audit) {
        String select = "SELECT id FROM " + table + PURGEABLE + " LIMIT ?";
        return write(c -> inTransaction(c, () -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(select)) {
                ps.setLong(1, cutoff);
                ps.setLong(2, cutoff);
                ps.setInt(3, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
            }
            if (ids.isEmpty()) return 0;
            // Each key's own row first, while its user can still be read from it.
            auditLog.appendAll(c, audit.each(ids, "{\"ended_before\":" + cutoff + "}"));
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id IN ("
                    + Rows.placeholders(ids.size()) + ")")) {
                for (int i = 0; i < ids.size(); i++) ps.setString(i + 1, ids.get(i));
                n = ps.executeUpdate();
            }
            auditLog.appendAudit(c, audit.withDetail("{\"deleted\":" + n + ",\"ended_before\":" + cutoff + "}"));
            return n;
        }), "purge old keys");
    }
}
