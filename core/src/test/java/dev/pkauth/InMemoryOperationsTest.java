package dev.pkauth;

import dev.pkauth.testing.Backend;

class InMemoryOperationsTest extends OperationsContract {
    @Override
    Backend backend() {
        return Backend.IN_MEMORY;
    }
}
