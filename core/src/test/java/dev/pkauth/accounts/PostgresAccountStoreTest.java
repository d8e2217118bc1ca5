package dev.pkauth.accounts;

import dev.pkauth.testing.Backend;

class PostgresAccountStoreTest extends PersistentAccountStoreContract {
    @Override
    Backend backend() {
        return Backend.POSTGRESQL;
    }
}
