package dev.pkauth.accounts;

import dev.pkauth.testing.Backend;

class SqliteAccountStoreTest extends PersistentAccountStoreContract {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }
}
