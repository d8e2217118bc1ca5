package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * What must hold of a store after any sequence of changes made through it, checked by every store
 * contract after each case: the verification cache agrees with the table, and every key in the
 * table has its audit trail (the row of the mint, or of the rotation that made it).
 */
final class StoreInvariants {
    private StoreInvariants() {}

    static void check(ApiKeyStore store) {
        assertThat(store.cacheDisagreements()).as("the verification cache agrees with the table").isEmpty();
        String after = null;
        int keys = 0;
        do {
            KeyPage page = store.operations().query(KeyQuery.allUsers().limit(ApiKeyStore.MAX_PAGE_SIZE).after(after));
            for (ApiKey k : page.keys()) {
                List<String> actions = store.operations().auditLog(k.id(), null, null, ApiKeyStore.MAX_PAGE_SIZE, null).stream()
                        .map(AuditEvent::action).toList();
                assertThat(actions).as("the audit trail of %s", k.id()).containsAnyOf("create", "rotate");
                keys++;
            }
            after = page.next();
        } while (after != null && keys < 5_000);
    }
}
