package dev.pkauth.example;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo user's password, kept hashed in the example's own table beside pkauth's
 * ({@code pkauth_example_users}, or {@code <PKAUTH_TABLE>_example_users}): made and printed on the
 * first start, never again; {@code PKAUTH_DEMO_PASSWORD} replaces it.
 */
final class DemoPassword {
    private DemoPassword() {}

    /**
     * Signs the demo user in with the stored password, or stores a new one.
     *
     * @return the password to print, or {@code null} when it was printed on an earlier start (or given)
     */
    static String load(String jdbcUrl, String user, String password, String keyTable, SignIn users,
            String demoUser, String given) throws SQLException {
        String table = usersTable(keyTable);
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL)");
            String stored = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM " + table + " WHERE username = ?")) {
                ps.setString(1, demoUser);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) stored = rs.getString(1);
                }
            }
            boolean fresh = given == null || given.isBlank();
            if (fresh && stored != null && users.addStored(demoUser, stored)) return null;
            String chosen = fresh ? SignIn.newPassword() : given;
            String hash = users.add(demoUser, chosen);
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE username = ?");
                    PreparedStatement ins = c.prepareStatement("INSERT INTO " + table + " (username, password_hash) VALUES (?, ?)")) {
                del.setString(1, demoUser);
                del.executeUpdate();
                ins.setString(1, demoUser);
                ins.setString(2, hash);
                ins.executeUpdate();
            }
            return fresh ? chosen : null;
        }
    }

    /** The users table next to pkauth's table {@code keyTable} (an SQL identifier pkauth checked), or its default's. */
    static String usersTable(String keyTable) {
        if (keyTable == null || keyTable.isBlank()) return "pkauth_example_users";
        if (!keyTable.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("PKAUTH_TABLE is not an SQL identifier");
        return keyTable + "_example_users";
    }
}
