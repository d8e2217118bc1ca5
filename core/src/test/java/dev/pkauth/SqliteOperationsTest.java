package dev.pkauth;

import dev.pkauth.testing.Backend;

class SqliteOperationsTest extends OperationsContract {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }
}
