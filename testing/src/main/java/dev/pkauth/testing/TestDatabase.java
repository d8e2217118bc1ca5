package dev.pkauth.testing;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ApiKeyStoreBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One key table on a real database, described so that a store can be built in code or from
 * web.xml init-params, and so tests can reach the rows directly.
 */
public record TestDatabase(Backend backend, String jdbcUrl, String user, String password, String table, String pepper) {

    public static TestDatabase create(Backend backend, Path dir) {
        String table = PostgresSupport.uniqueTable("keys");
        String pepper = "test-pepper-" + table;
        return switch (backend) {
            case SQLITE -> new TestDatabase(backend, Backend.sqliteUrl(dir), null, null, table, pepper);
            case POSTGRESQL -> {
                PostgresSupport.Connection pg = PostgresSupport.get();
                yield new TestDatabase(backend, pg.jdbcUrl(), pg.user(), pg.password(), table, pepper);
            }
            case IN_MEMORY -> throw new IllegalArgumentException("an in-memory store has no database to share");
        };
    }

    /** A builder on this table with this database's pepper. */
    public ApiKeyStoreBuilder builder() {
        return builderWithoutPepper().pepper(pepper);
    }

    /** A builder on this table whose pepper the caller chooses. */
    public ApiKeyStoreBuilder builderWithoutPepper() {
        ApiKeyStoreBuilder b = ApiKeyStore.builder().jdbcUrl(jdbcUrl).table(table);
        if (user != null) b.credentials(user, password);
        return b;
    }

    public Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl, p);
    }

    /** Sets a key's {@code expires_at} behind the store's back (no API accepts a past expiry). */
    public void expireNow(String keyId) throws SQLException {
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET expires_at = ? WHERE id = ?")) {
            ps.setLong(1, System.currentTimeMillis() / 1000 - 10);
            ps.setString(2, keyId);
            if (ps.executeUpdate() != 1) throw new IllegalStateException("no key " + keyId);
        }
    }

    /**
     * Creates the table and adds a key whose id carries no tag, as Pylon or a pkauth before the
     * tagged ids writes it: while such a key exists, guessed ids are looked up (and rationed by
     * the failed-authentication budget) instead of refused by their tag.
     *
     * @return this database
     */
    public TestDatabase withUntaggedKey() throws SQLException {
        builder().build().close(); // creates the table
        try (Connection c = connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + table
                     + " (id, user_id, name, prefix, secret_hash, created_at) VALUES (?, 'old', 'older key', ?, ?, 1700000000)")) {
            String id = "key_" + "Older".repeat(6) + "ok";
            ps.setString(1, id);
            ps.setString(2, "pk." + id.substring(0, 13));
            ps.setString(3, "0".repeat(64));
            ps.executeUpdate();
        }
        return this;
    }

    /** Makes the database unable to answer for this table. */
    public void breakTable() throws SQLException {
        try (Connection c = connect(); var s = c.createStatement()) {
            s.execute("DROP TABLE " + table);
        }
    }
}
