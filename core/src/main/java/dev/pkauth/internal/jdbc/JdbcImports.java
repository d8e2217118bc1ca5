package dev.pkauth.internal.jdbc;

import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Imported keys in SQL: inserted once per source row ({@code import_ref}, unique), found by the
 * SHA-256 of a legacy token ({@code lookup_hash}, unique). Their move to pkauth's HMAC on first
 * use is the pepper re-hash's statement, in {@link JdbcKeyRepository}.
 */
final class JdbcImports extends JdbcBase {
    private final JdbcAuditLog auditLog;
    private final DataSource lookups;
    private final String insertSql;
    private final String importedSql;
    private final String findByLookupSql;

    JdbcImports(JdbcBase same, DataSource lookups, JdbcAuditLog auditLog) {
        super(same);
        this.lookups = lookups;
        this.auditLog = auditLog;
        // DO NOTHING on any conflict: the id, the import reference or the lookup hash already taken
        // means this source row (or this very token) is here already.
        insertSql = "INSERT INTO " + table + " (" + Rows.COLUMNS + ", id_tagged, lookup_hash, import_ref) VALUES ("
                + Rows.placeholders(28) + ") ON CONFLICT DO NOTHING";
        importedSql = "SELECT 1 FROM " + table + " WHERE import_ref = ?";
        findByLookupSql = "SELECT " + Rows.COLUMNS + " FROM " + table + " WHERE lookup_hash = ?";
    }

    boolean insertImported(KeyRecord row, boolean tagged, String importRef, @Nullable String lookupHash, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                int next = Rows.bindRow(ps, row);
                setLong(ps, next++, tagged ? 1L : null);
                ps.setString(next++, lookupHash);
                ps.setString(next, importRef);
                return auditLog.audited(c, ps.executeUpdate() == 1, audit);
            }
        }), "import a key");
    }

    boolean imported(String importRef) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(importedSql)) {
                ps.setString(1, importRef);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }, "read the imported keys");
    }

    Optional<KeyRecord> findByLookupHash(String lookupHash) {
        return Rows.findOne(this, lookups, findByLookupSql, lookupHash);
    }
}
