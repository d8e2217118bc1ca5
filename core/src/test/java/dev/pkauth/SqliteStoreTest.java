package dev.pkauth;

import dev.pkauth.testing.Backend;
import java.sql.Connection;
import java.sql.SQLException;

class SqliteStoreTest extends PersistentStoreContract {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }

    @Override
    Connection rawConnection() throws SQLException {
        return connect(Backend.sqliteUrl(dir), null, null);
    }
}
