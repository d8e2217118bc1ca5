package dev.pkauth;

import dev.pkauth.testing.Backend;

class PostgresUsageLimitsTest extends UsageLimitsContract {
    @Override
    Backend backend() {
        return Backend.POSTGRESQL;
    }
}
