package dev.pkauth;

import dev.pkauth.testing.Backend;

class PostgresImportTest extends ImportContract {
    @Override
    Backend backend() {
        return Backend.POSTGRESQL;
    }
}
