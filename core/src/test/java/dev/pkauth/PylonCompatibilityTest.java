package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.PostgresSupport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A table written by Pylon (nine columns, its hash computed by openssl, not by this code) verifies
 * through the store configured with its table name and pepper, and gains {@code revoked_at}.
 */
class PylonCompatibilityTest {
    static final String PEPPER = "pylon-dev-api-key-pepper-not-for-production";
    static final String ID = "key_PylonCompatPylonCompatPylonCompa";
    static final String SECRET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
    /** printf '%s' "$SECRET" | openssl dgst -sha256 -hmac "$PEPPER" */
    static final String OPENSSL_HASH = "9b0bba02b67b0539a231c5333cde4a71607b9f517a44d7936b88a1f4dd4e1d00";

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aPylonTableVerifiesAndGainsRevokedAt(Backend backend) throws Exception {
        String table = "_pylon_api_keys_" + ProcessHandle.current().pid();
        String integer = backend == Backend.SQLITE ? "INTEGER" : "BIGINT";
        try (Connection c = connect(backend); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                    + "name TEXT NOT NULL DEFAULT '', prefix TEXT NOT NULL DEFAULT '', secret_hash TEXT NOT NULL, "
                    + "scopes TEXT, expires_at " + integer + ", last_used_at " + integer + ", created_at " + integer + " NOT NULL)");
            s.execute("INSERT INTO " + table + " (id, user_id, name, prefix, secret_hash, scopes, created_at) VALUES ('"
                    + ID + "', 'u1', 'pylon key', 'pk.key_PylonCom', '" + OPENSSL_HASH + "', 'read,write', 1700000000)");
        }

        try (ApiKeyStore store = backend.builderFor(dir, table).pepper(PEPPER).executor(Runnable::run).build()) {
            Verification v = store.verify("pk." + ID + "." + SECRET);

            assertThat(v).isInstanceOf(Verification.Valid.class);
            ApiKey key = ((Verification.Valid) v).key();
            assertThat(key.userId()).isEqualTo("u1");
            assertThat(key.scopes()).containsExactly("read", "write");
            assertThat(store.revoke(ID)).isTrue();
            assertThat(store.verify("pk." + ID + "." + SECRET).isValid()).isFalse();
        }
        try (Connection c = connect(backend); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT revoked_at FROM " + table + " WHERE id = '" + ID + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isPositive();
        }
    }

    Connection connect(Backend backend) throws Exception {
        if (backend == Backend.SQLITE) return PersistentStoreContract.connect(Backend.sqliteUrl(dir), null, null);
        PostgresSupport.Connection pg = PostgresSupport.get();
        return PersistentStoreContract.connect(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
