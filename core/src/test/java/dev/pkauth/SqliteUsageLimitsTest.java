package dev.pkauth;

import dev.pkauth.testing.Backend;

class SqliteUsageLimitsTest extends UsageLimitsContract {
    @Override
    Backend backend() {
        return Backend.SQLITE;
    }
}
