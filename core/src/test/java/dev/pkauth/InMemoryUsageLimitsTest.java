package dev.pkauth;

import dev.pkauth.testing.Backend;

class InMemoryUsageLimitsTest extends UsageLimitsContract {
    @Override
    Backend backend() {
        return Backend.IN_MEMORY;
    }
}
