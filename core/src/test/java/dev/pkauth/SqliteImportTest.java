package dev.pkauth;

import dev.pkauth.testing.Backend;

class SqliteImportTest extends ImportContract {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }
}
