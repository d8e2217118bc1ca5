package dev.pkauth;

import dev.pkauth.testing.Backend;

class PostgresOperationsTest extends OperationsContract {
    @Override
    Backend backend() {
        return Backend.POSTGRESQL;
    }
}
