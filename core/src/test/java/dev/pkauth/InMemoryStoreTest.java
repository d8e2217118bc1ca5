package dev.pkauth;

import dev.pkauth.testing.Backend;

class InMemoryStoreTest extends ApiKeyStoreContract {
    @Override
    Backend backend() {
        return Backend.IN_MEMORY;
    }
}
