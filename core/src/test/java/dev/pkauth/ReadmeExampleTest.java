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
        dev.pkauth.testing.Readme.assertShows(ReadmeExampleTest.class, "usage");
    }

    @Test
    void theUsageLimitsExampleRuns() {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("a-long-random-server-secret").build()) {
            // README:usage:start
            IssuedKey metered = store.create("alice", "partner", List.of("docs:read"), null, UsageLimits.NONE
                    .withRateLimit(UsageLimits.RateLimit.parse("100/1m"))   // per key; see also PKAUTH_DEFAULT_RATE_LIMIT
                    .withCredits(1000)
                    .withRefill(UsageLimits.Refill.parse("1000/30d")));
            ApiKeyPrincipal caller = ((Verification.Valid) store.verify(metered.token())).principal();

            Usage usage = store.admit(caller);          // what the filters do after the scopes check
            Usage charged = store.consume(caller, 5);   // an expensive call costs 5 more credits
            if (charged instanceof Usage.Exhausted exhausted) {
                // answer 429; exhausted.retryAfterSeconds() is the wait for the next refill (null: none)
            }
            store.limits(metered.key().id(), UsageLimits.NONE.withCredits(50));  // change them later
            // README:usage:end
            assertThat(usage).isInstanceOfSatisfying(Usage.Allowed.class, a -> {
                assertThat(a.creditsLeft()).isEqualTo(999);
                assertThat(a.rate().remaining()).isEqualTo(99);
            });
            assertThat(charged).isEqualTo(new Usage.Allowed(null, 994L));
            assertThat(store.find(metered.key().id()).orElseThrow().limits()).isEqualTo(UsageLimits.NONE.withCredits(50));
        }
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
