package dev.pkauth.internal.jdbc;

import dev.pkauth.internal.store.AuditRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes that follow a key's lineage: revoking or disabling a key and every key minted from it,
 * however deep, enabling what a disable reached, and revoking all of a user's keys; each one
 * transaction with an audit row per key it reached.
 */
final class JdbcLineage extends JdbcBase {
    private final JdbcAuditLog auditLog;
    private final String revokeTreeSql;

    JdbcLineage(JdbcBase same, JdbcAuditLog auditLog) {
        super(same);
        this.auditLog = auditLog;
        // The key and everything minted from it, however deep; revoked keys are walked through, not re-stamped.
        revokeTreeSql = "WITH RECURSIVE tree(id) AS (SELECT id FROM " + table + " WHERE id = ?"
                + " UNION SELECT k.id FROM " + table + " k JOIN tree ON k.created_by = tree.id)"
                + " UPDATE " + table + " SET revoked_at = ? WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL"
                + " RETURNING id";
    }

    public List<String> revokeTree(String id, long revokedAt, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            List<String> revoked = new ArrayList<>();
            // On PostgreSQL, a key minted concurrently from a key in the tree holds a lock on its
            // parent row that the first pass waits for; the next pass (a new snapshot) then sees it.
            // Passes repeat until one revokes nothing.
            List<String> pass;
            do {
                pass = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(revokeTreeSql)) {
                    ps.setString(1, id);
                    ps.setLong(2, revokedAt);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) pass.add(rs.getString(1));
                    }
                }
                revoked.addAll(pass);
            } while (!pass.isEmpty() && dialect.sharedByProcesses());
            if (!revoked.isEmpty()) auditLog.appendAll(c, audit.cascade("{\"revoked\":" + revoked.size() + "}", revoked, audit.via()));
            return List.copyOf(revoked);
        }), "revoke a key");
    }

    public List<String> disableTree(String id, long at, String via, AuditRecord audit) {
        // The walk starts only from an unrevoked key that is not disabled yet: otherwise nothing changes.
        String walk = "WITH RECURSIVE tree(id) AS (SELECT id FROM " + table + " WHERE id = ? AND revoked_at IS NULL";
        String rest = " UNION SELECT k.id FROM " + table + " k JOIN tree ON k.created_by = tree.id)"
                + " UPDATE " + table + " SET disabled_at = ?, disabled_via = ? WHERE id IN (SELECT id FROM tree)"
                + " AND disabled_at IS NULL AND revoked_at IS NULL RETURNING id";
        String first = walk + " AND disabled_at IS NULL" + rest;
        // Later passes walk from the (now disabled) key again: on PostgreSQL a key minted from the
        // tree concurrently holds its parent's row lock, which the first pass waited for without
        // seeing the new row (its snapshot was older); the next statement's snapshot sees it.
        String again = walk + rest;
        return write(c -> inTransaction(c, () -> {
            Rows.SqlBinder bind = ps -> {
                ps.setString(1, id);
                ps.setLong(2, at);
                ps.setString(3, via);
            };
            List<String> ids = new ArrayList<>(Rows.returningIds(c, first, bind));
            if (!ids.isEmpty() && dialect.sharedByProcesses()) {
                List<String> pass;
                do {
                    pass = Rows.returningIds(c, again, bind);
                    ids.addAll(pass);
                } while (!pass.isEmpty());
            }
            if (!ids.isEmpty()) auditLog.appendAll(c, audit.cascade("{\"disabled\":" + ids.size() + "}", ids, audit.via()));
            return ids;
        }), "disable a key");
    }

    public List<String> enableTree(String id, List<String> vias, AuditRecord audit) {
        String ancestorDisabled = "WITH RECURSIVE up(id, created_by, disabled_at) AS (SELECT id, created_by, disabled_at FROM "
                + table + " WHERE id = ? UNION ALL SELECT k.id, k.created_by, k.disabled_at FROM " + table
                + " k JOIN up ON k.id = up.created_by) SELECT 1 FROM up WHERE id <> ? AND disabled_at IS NOT NULL LIMIT 1";
        String sql = "UPDATE " + table + " SET disabled_at = NULL, disabled_via = NULL WHERE disabled_via IN ("
                + Rows.placeholders(vias.size()) + ") RETURNING id";
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(ancestorDisabled)) {
                ps.setString(1, id);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return List.<String>of();
                }
            }
            List<String> ids = Rows.returningIds(c, sql, ps -> {
                for (int i = 0; i < vias.size(); i++) ps.setString(i + 1, vias.get(i));
            });
            if (!ids.isEmpty()) auditLog.appendAll(c, audit.cascade("{\"enabled\":" + ids.size() + "}", ids, audit.via()));
            return ids;
        }), "enable a key");
    }

    public List<String> revokeAll(String userId, long at, AuditRecord audit) {
        String sql = "UPDATE " + table + " SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING id";
        return write(c -> inTransaction(c, () -> {
            List<String> ids = Rows.returningIds(c, sql, ps -> {
                ps.setLong(1, at);
                ps.setString(2, userId);
            });
            auditLog.appendAll(c, audit.cascade("{\"revoked\":" + ids.size() + "}", ids, null));
            return ids;
        }), "revoke a user's keys");
    }
}
