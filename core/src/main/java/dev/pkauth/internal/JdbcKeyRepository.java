package dev.pkauth.internal;

import dev.pkauth.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key table over JDBC, on SQLite or PostgreSQL. Every {@link SQLException} becomes a
 * {@link StoreUnavailableException}: a database that cannot answer never looks like a bad key.
 */
public final class JdbcKeyRepository extends JdbcBase implements KeyRepository {
    private static final Logger log = LoggerFactory.getLogger(JdbcKeyRepository.class);
    private static final String COLUMNS =
            "id, user_id, name, prefix, secret_hash, scopes, expires_at, last_used_at, created_at, revoked_at";


    private final String insertSql;
    private final String findSql;
    private final String listSql;
    private final String listActiveSql;
    private final String updateExpirySql;
    private final String revokeSql;
    private final String deleteSql;
    private final String replaceHashSql;
    private final String endSql;
    private final String touchSql;

    /**
     * @param owned closed with this repository (the pool it made), or {@code null} when the
     *     application owns the data source
     */
    public JdbcKeyRepository(DataSource dataSource, AutoCloseable owned, Dialect dialect, String table) {
        super(dataSource, owned, dialect, table);
        insertSql = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        findSql = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
        listSql = "SELECT " + COLUMNS + " FROM " + table + " WHERE user_id = ? ORDER BY created_at DESC, id";
        listActiveSql = "SELECT " + COLUMNS + " FROM " + table
                + " WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC, id";
        updateExpirySql = "UPDATE " + table + " SET expires_at = ? WHERE id = ? AND revoked_at IS NULL";
        revokeSql = "UPDATE " + table + " SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
        deleteSql = "DELETE FROM " + table + " WHERE id = ?";
        replaceHashSql = "UPDATE " + table + " SET secret_hash = ? WHERE id = ? AND secret_hash = ?";
        endSql = "UPDATE " + table + " SET expires_at = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
        touchSql = "UPDATE " + table + " SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL"
                + " AND (last_used_at IS NULL OR last_used_at < ?)";
    }

    /** The SQL spoken by a backend. */
    public enum Dialect {
        SQLITE("INTEGER"),
        POSTGRESQL("BIGINT");

        final String integer;

        Dialect(String integer) {
            this.integer = integer;
        }

        public static Optional<Dialect> ofUrl(String jdbcUrl) {
            if (jdbcUrl.startsWith("jdbc:sqlite:")) return Optional.of(SQLITE);
            if (jdbcUrl.startsWith("jdbc:postgresql:")) return Optional.of(POSTGRESQL);
            return Optional.empty();
        }

        public static Optional<Dialect> ofProductName(String product) {
            String p = product.toLowerCase(Locale.ROOT);
            if (p.contains("sqlite")) return Optional.of(SQLITE);
            if (p.contains("postgres")) return Optional.of(POSTGRESQL);
            return Optional.empty();
        }
    }

    @Override
    public void migrate() {
        String integer = dialect.integer;
        String ddl = "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "id TEXT PRIMARY KEY, "
                + "user_id TEXT NOT NULL, "
                + "name TEXT NOT NULL DEFAULT '', "
                + "prefix TEXT NOT NULL DEFAULT '', "
                + "secret_hash TEXT NOT NULL, "
                + "scopes TEXT, "
                + "expires_at " + integer + ", "
                + "last_used_at " + integer + ", "
                + "created_at " + integer + " NOT NULL, "
                + "revoked_at " + integer + ")";
        String index = "CREATE INDEX IF NOT EXISTS " + table + "_user_id_idx ON " + table + " (user_id)";
        migrateWith((c, s) -> {
            s.execute(ddl);
            s.execute(index);
            if (!columnsOf(c).contains("revoked_at")) {
                // A Pylon-shaped table has the first nine columns only.
                String add = dialect == Dialect.POSTGRESQL
                        ? "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS revoked_at BIGINT"
                        : "ALTER TABLE " + table + " ADD COLUMN revoked_at INTEGER";
                s.execute(add);
                log.info("pkauth: added column revoked_at to table {}", table);
            }
        });
    }

    private Set<String> columnsOf(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) names.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    @Override
    public void insert(KeyRecord k) {
        write(c -> {
            insert(c, k);
            return null;
        }, "create a key");
    }

    private void insert(Connection c, KeyRecord k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            ps.setString(1, k.id());
            ps.setString(2, k.userId());
            ps.setString(3, k.name());
            ps.setString(4, k.prefix());
            ps.setString(5, k.secretHash());
            ps.setString(6, k.scopesColumn());
            setLong(ps, 7, k.expiresAt());
            setLong(ps, 8, k.lastUsedAt());
            ps.setLong(9, k.createdAt());
            setLong(ps, 10, k.revokedAt());
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(findSql)) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<KeyRecord>empty();
                }
            }
        }, "look up a key");
    }

    @Override
    public List<KeyRecord> listByUser(String userId, boolean includeRevoked) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(includeRevoked ? listSql : listActiveSql)) {
                ps.setString(1, userId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<KeyRecord> out = new ArrayList<>();
                    while (rs.next()) out.add(row(rs));
                    return List.copyOf(out);
                }
            }
        }, "list keys");
    }

    @Override
    public boolean updateExpiry(String id, Long expiresAt) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(updateExpirySql)) {
                setLong(ps, 1, expiresAt);
                ps.setString(2, id);
                return notifyIf(c, ps.executeUpdate() == 1, id);
            }
        }, "change a key's expiry");
    }

    @Override
    public boolean revoke(String id, long revokedAt) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(revokeSql)) {
                ps.setLong(1, revokedAt);
                ps.setString(2, id);
                return notifyIf(c, ps.executeUpdate() == 1, id);
            }
        }, "revoke a key");
    }

    @Override
    public boolean delete(String id) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                ps.setString(1, id);
                return notifyIf(c, ps.executeUpdate() == 1, id);
            }
        }, "purge a key");
    }

    @Override
    public void replaceHash(String id, String expectedHash, String newHash) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(replaceHashSql)) {
                ps.setString(1, newHash);
                ps.setString(2, id);
                ps.setString(3, expectedHash);
                notifyIf(c, ps.executeUpdate() == 1, id);
                return null;
            }
        }, "re-hash a key under the current pepper");
    }

    @Override
    public boolean rotate(String oldId, Long oldExpiresAt, Long oldRevokedAt, KeyRecord replacement) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement end = c.prepareStatement(endSql)) {
                setLong(end, 1, oldExpiresAt);
                setLong(end, 2, oldRevokedAt);
                end.setString(3, oldId);
                if (end.executeUpdate() != 1) return false;
            }
            notifyIf(c, true, oldId); // delivered at commit
            insert(c, replacement);
            return true;
        }), "rotate a key");
    }

    @Override
    public void touch(Map<String, Long> lastUsedById) {
        if (lastUsedById.isEmpty()) return;
        write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(touchSql)) {
                for (Map.Entry<String, Long> e : lastUsedById.entrySet()) {
                    ps.setLong(1, e.getValue());
                    ps.setString(2, e.getKey());
                    ps.setLong(3, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        }), "record key use");
    }

    /** PostgreSQL channel that carries ids of changed keys to every process sharing the table. */
    private String channel() {
        String name = "pkauth_" + table.toLowerCase(Locale.ROOT);
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    private boolean notifyIf(Connection c, boolean changed, String id) throws SQLException {
        if (changed && dialect == Dialect.POSTGRESQL) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                ps.setString(1, channel());
                ps.setString(2, id);
                ps.execute();
            }
        }
        return changed;
    }

    @Override
    public AutoCloseable watch(java.util.function.Consumer<String> changed, Runnable changedAll) {
        ChangeWatcher watcher = dialect == Dialect.POSTGRESQL
                ? new ChangeWatcher.Notifications(dataSource, channel(), changed, changedAll)
                : new ChangeWatcher.DataVersion(dataSource, changedAll);
        watcher.start();
        return watcher;
    }

    @Override
    public String toString() {
        return "JdbcKeyRepository[" + dialect + ", table=" + table + "]";
    }

    private static KeyRecord row(ResultSet rs) throws SQLException {
        return new KeyRecord(
                rs.getString(1),
                rs.getString(2),
                nullToEmpty(rs.getString(3)),
                nullToEmpty(rs.getString(4)),
                rs.getString(5),
                KeyRecord.parseScopes(rs.getString(6)),
                getLong(rs, 7),
                getLong(rs, 8),
                rs.getLong(9),
                getLong(rs, 10));
    }

}
