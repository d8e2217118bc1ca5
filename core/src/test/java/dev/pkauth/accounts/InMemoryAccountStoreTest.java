package dev.pkauth.accounts;

class InMemoryAccountStoreTest extends AccountStoreContract {
    @Override
    AccountStore.Builder builder() {
        return AccountStore.builder().inMemory();
    }
}
