package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.accounts.AccountRecord;
import dev.pkauth.internal.accounts.AccountRepository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The linked-accounts table on SQLite or PostgreSQL, with better-auth's {@code account} column
 * names. A table written by Pylon ({@code _pylon_accounts}) is read as it is.
 */
public final class JdbcAccountRepository extends JdbcBase implements AccountRepository {
    private static final String COLUMNS = "id, user_id, provider_id, account_id, access_token, refresh_token, id_token, "
            + "access_token_expires_at, refresh_token_expires_at, scope, password, created_at, updated_at";
    /** Attempts of an upsert that raced another process's insert of the same account. */
    private static final int UPSERT_ATTEMPTS = 3;

    private final String insertSql;
    private final String updateSql;
    private final String findSql;
    private final String listSql;
    private final String pageSql;
    private final String firstPageSql;
    private final String deleteSql;

    public JdbcAccountRepository(DataSource dataSource, @Nullable AutoCloseable owned, Dialect dialect, String table) {
        super(dataSource, owned, dialect, table);
        insertSql = "INSERT INTO " + table + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        updateSql = "UPDATE " + table + " SET user_id = ?, access_token = ?, refresh_token = ?, id_token = ?,"
                + " access_token_expires_at = ?, refresh_token_expires_at = ?, scope = ?, password = ?, updated_at = ?"
                + " WHERE provider_id = ? AND account_id = ?";
        findSql = "SELECT " + COLUMNS + " FROM " + table + " WHERE provider_id = ? AND account_id = ?";
        listSql = "SELECT " + COLUMNS + " FROM " + table + " WHERE user_id = ? ORDER BY provider_id, account_id";
        pageSql = "SELECT " + COLUMNS + " FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?";
        firstPageSql = "SELECT " + COLUMNS + " FROM " + table + " ORDER BY id LIMIT ?";
        deleteSql = "DELETE FROM " + table + " WHERE provider_id = ? AND account_id = ?";
    }

    @Override
    public void migrate() {
        String integer = dialect.integer;
        String ddl = "CREATE TABLE IF NOT EXISTS " + table + " (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                + "provider_id TEXT NOT NULL, account_id TEXT NOT NULL, access_token TEXT, refresh_token TEXT, id_token TEXT, "
                + "access_token_expires_at " + integer + ", refresh_token_expires_at " + integer + ", scope TEXT, password TEXT, "
                + "created_at " + integer + " NOT NULL, updated_at " + integer + " NOT NULL, UNIQUE (provider_id, account_id))";
        String index = "CREATE INDEX IF NOT EXISTS " + table + "_user_id_idx ON " + table + " (user_id)";
        migrateWith((c, s) -> {
            s.execute(ddl);
            s.execute(index);
        });
    }

    @Override
    public AccountRecord upsert(AccountRecord a, boolean moveUser) {
        return write(c -> {
            for (int attempt = 1; ; attempt++) {
                try {
                    return inTransaction(c, () -> {
                        AccountRecord existing = findOn(c, a.providerId(), a.accountId()).orElse(null);
                        if (existing != null && !moveUser && !existing.userId().equals(a.userId())) {
                            throw AccountRecord.linkedElsewhere(a);
                        }
                        try (PreparedStatement up = c.prepareStatement(updateSql)) {
                            up.setString(1, a.userId());
                            up.setString(2, a.accessToken());
                            up.setString(3, a.refreshToken());
                            up.setString(4, a.idToken());
                            setLong(up, 5, a.accessTokenExpiresAt());
                            setLong(up, 6, a.refreshTokenExpiresAt());
                            up.setString(7, a.scope());
                            up.setString(8, a.password());
                            up.setLong(9, a.updatedAt());
                            up.setString(10, a.providerId());
                            up.setString(11, a.accountId());
                            if (up.executeUpdate() == 0) insert(c, a);
                        }
                        return findOn(c, a.providerId(), a.accountId()).orElseThrow();
                    });
                } catch (SQLException e) {
                    // Another process inserted the same account between our UPDATE and INSERT: update it now.
                    if (attempt >= UPSERT_ATTEMPTS || !isUniqueViolation(e)) throw e;
                }
            }
        }, "link an account");
    }

    private void insert(Connection c, AccountRecord a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            ps.setString(1, a.id());
            ps.setString(2, a.userId());
            ps.setString(3, a.providerId());
            ps.setString(4, a.accountId());
            ps.setString(5, a.accessToken());
            ps.setString(6, a.refreshToken());
            ps.setString(7, a.idToken());
            setLong(ps, 8, a.accessTokenExpiresAt());
            setLong(ps, 9, a.refreshTokenExpiresAt());
            ps.setString(10, a.scope());
            ps.setString(11, a.password());
            ps.setLong(12, a.createdAt());
            ps.setLong(13, a.updatedAt());
            ps.executeUpdate();
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState()) || (e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed"));
    }

    @Override
    public Optional<AccountRecord> find(String providerId, String accountId) {
        return read(c -> findOn(c, providerId, accountId), "look up an account");
    }

    private Optional<AccountRecord> findOn(Connection c, String providerId, String accountId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, providerId);
            ps.setString(2, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    @Override
    public List<AccountRecord> listByUser(String userId) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(listSql)) {
                ps.setString(1, userId);
                return rows(ps);
            }
        }, "list accounts");
    }

    @Override
    public List<AccountRecord> listAll(String afterId, int limit) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(afterId == null ? firstPageSql : pageSql)) {
                int i = 1;
                if (afterId != null) ps.setString(i++, afterId);
                ps.setInt(i, limit);
                return rows(ps);
            }
        }, "list accounts");
    }

    @Override
    public long countLegacySealed() {
        return read(c -> {
            String legacy = " LIKE '" + dev.pkauth.internal.token.TokenCipher.PREFIX_V1 + "%'";
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table
                    + " WHERE access_token" + legacy + " OR refresh_token" + legacy + " OR id_token" + legacy);
                 java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }, "count legacy-sealed accounts");
    }

    @Override
    public boolean reseal(AccountRecord row, @Nullable String access, @Nullable String refresh, @Nullable String id) {
        String same = " = ? OR (%s IS NULL AND CAST(? AS TEXT) IS NULL))";
        String sql = "UPDATE " + table + " SET access_token = ?, refresh_token = ?, id_token = ? WHERE id = ?"
                + " AND (access_token" + same.formatted("access_token") + " AND (refresh_token" + same.formatted("refresh_token")
                + " AND (id_token" + same.formatted("id_token");
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, access);
                ps.setString(i++, refresh);
                ps.setString(i++, id);
                ps.setString(i++, row.id());
                for (String old : new String[] {row.accessToken(), row.refreshToken(), row.idToken()}) {
                    ps.setString(i++, old);
                    ps.setString(i++, old);
                }
                return ps.executeUpdate() == 1;
            }
        }, "re-seal an account's tokens");
    }

    @Override
    public boolean delete(String providerId, String accountId) {
        return write(c -> {
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                ps.setString(1, providerId);
                ps.setString(2, accountId);
                return ps.executeUpdate() == 1;
            }
        }, "unlink an account");
    }

    private static List<AccountRecord> rows(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            List<AccountRecord> out = new ArrayList<>();
            while (rs.next()) out.add(row(rs));
            return List.copyOf(out);
        }
    }

    private static AccountRecord row(ResultSet rs) throws SQLException {
        return new AccountRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), getLong(rs, 8), getLong(rs, 9), rs.getString(10), rs.getString(11),
                rs.getLong(12), rs.getLong(13));
    }

    @Override
    public String toString() {
        return "JdbcAccountRepository[" + dialect + ", table=" + table + "]";
    }
}
