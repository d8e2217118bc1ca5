package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "use the store from code" snippet runs here, and the README shows exactly this code. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theStoreExampleRuns() throws Exception {
        String jdbcUrl = "jdbc:sqlite:" + dir.resolve("keys.db");
        // README:store:start
        try (ApiKeyStore store = ApiKeyStore.builder()
                .jdbcUrl(jdbcUrl)                       // or .dataSource(ds), or .inMemory()
                .pepper("a-long-random-server-secret")  // in production: System.getenv("PKAUTH_PEPPER")
                .build()) {
            IssuedKey issued = store.create("alice", "CI", List.of("docs:read"), null);
            String token = issued.token();              // show it once; only its HMAC is stored

            Verification result = store.verify(token);
            if (result instanceof Verification.Valid valid) {
                ApiKeyPrincipal who = valid.principal();
                assert who.getName().equals("alice") && who.hasScope("docs:read");
            }

            store.rotate(issued.key().id(), Duration.ofHours(24)); // new key; old one works 24 h more
            store.revoke(issued.key().id());                        // fails everywhere from now on
        }
        // README:store:end
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() {
        dev.pkauth.testing.Readme.assertShows(ReadmeExampleTest.class, "store");
        dev.pkauth.testing.Readme.assertShows(ReadmeExampleTest.class, "lineage");
    }

    @Test
    void theLineageExampleRuns() {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("a-long-random-server-secret").build()) {
            String token = store.create("alice", "CI", List.of("docs:read", "keys:write"),
                    java.time.Instant.now().plus(Duration.ofDays(7))).token();
            // README:lineage:start
            ApiKeyPrincipal caller = ((Verification.Valid) store.verify(token)).principal(); // the request's key
            IssuedKey laptop = store.create(caller, "laptop", List.of("docs:read"), null);
            // laptop: same user, scopes a subset of the caller's (else SecurityException), expiry capped
            // at the caller's, created_by = the caller's key id. Revoking the caller revokes laptop too:
            store.revoke(caller.keyId());
            // README:lineage:end
            assertThat(laptop.key().createdBy()).isEqualTo(caller.keyId());
            assertThat(laptop.key().expiresAt()).isEqualTo(caller.expiresAt());
            assertThat(store.verify(laptop.token()))
                    .isEqualTo(new Verification.Invalid(Verification.Reason.REVOKED, laptop.key().prefix()));
        }
    }
}
