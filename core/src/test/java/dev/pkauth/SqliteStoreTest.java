package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqliteStoreTest extends PersistentStoreContract {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }

    @Override
    Connection rawConnection() throws SQLException {
        return connect(Backend.sqliteUrl(dir), null, null);
    }

    /**
     * SQLite only: on PostgreSQL a trigger announces a change made behind the store's back and the
     * cache drops the row (which is what that backend is for), so no disagreement would last.
     */
    @Test
    void theInvariantCheckSeesACacheThatNoLongerAgreesWithTheTable() throws Exception {
        IssuedKey issued = store.create("alice", null, List.of("read"), null);
        assertThat(store.verify(issued.token()).isValid()).isTrue();
        String id = issued.key().id();
        try (Connection c = rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET scopes = 'read write' WHERE id = '" + id + "'");
        }
        assertThat(store.cacheDisagreements()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith(id + ": cached [alice, [read]").doesNotContain(issued.token().substring(20));
        try (Connection c = rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET scopes = 'read' WHERE id = '" + id + "'");
        }
        assertThat(store.cacheDisagreements()).isEmpty();
    }

}
