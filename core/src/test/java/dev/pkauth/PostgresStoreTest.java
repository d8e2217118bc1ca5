package dev.pkauth;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.PostgresSupport;
import java.sql.Connection;
import java.sql.SQLException;

class PostgresStoreTest extends PersistentStoreContract {
    @Override
    Backend backend() {
        return Backend.POSTGRESQL;
    }

    @Override
    Connection rawConnection() throws SQLException {
        PostgresSupport.Connection pg = PostgresSupport.get();
        return connect(pg.jdbcUrl(), pg.user(), pg.password());
    }
}
