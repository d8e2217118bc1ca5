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
        // The snippet's assert must run: surefire enables assertions, and this fails if that changes.
        assertThat(ReadmeExampleTest.class.desiredAssertionStatus()).as("java -ea").isTrue();
        String jdbcUrl = "jdbc:sqlite:" + dir.resolve("keys.db");
        // README:store:start
        try (ApiKeyStore store = ApiKeyStore.builder()
                .jdbcUrl(jdbcUrl)                       // or .dataSource(ds), or .inMemory()
                .pepper("a-long-random-server-secret")  // in production: System.getenv("PKAUTH_PEPPER")
                .build()) {
            IssuedKey issued = store.create("alice", "CI", List.of("docs:read"), null);
            String token = issued.token();              // show it once; only its HMAC is stored

            Verification result = store.verify(token);
            if (!(result instanceof Verification.Valid valid)) throw new IllegalStateException("rejected: " + result);
            ApiKeyPrincipal who = valid.principal();
            assert who.getName().equals("alice") && who.hasScope("docs:read");

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
        dev.pkauth.testing.Readme.assertShows(ReadmeExampleTest.class, "operating");
    }

    @Test
    void theOperatingKeysExampleRuns() {
        java.util.List<AuditEvent> seen = new java.util.ArrayList<>();
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("a-long-random-server-secret")
                .auditListener(seen::add).build()) {
            String keyId = store.create("acme", "old", List.of(), null).key().id();
            // README:operating:start
            IssuedKey partner = store.create("acme", KeySpec.of("partner", List.of("orders:read"))
                    .metadata("{\"plan\":\"pro\",\"customer\":\"cus_42\"}")       // on ApiKey and the principal
                    .allowedIps(IpAllowlist.parse("203.0.113.0/24, 2001:db8::/32")));  // 403 ip_not_allowed elsewhere

            ApiKeyStore admin = store.withActor("support:bob");       // who the audit log records
            admin.disable(keyId);                                     // 401 "disabled", with the keys it minted
            admin.enable(keyId);
            int offboarded = admin.revokeAll("acme");                 // every key of the user, one statement
            KeyOperations ops = admin.operations();                   // what operators do to every user's keys
            KeyPage stale = ops.query(KeyQuery.allUsers().unusedFor(Duration.ofDays(90)).limit(100));
            long wouldRevoke = ops.sweepUnused(Duration.ofDays(90), true, null);   // dry run
            ops.purgeEnded(Duration.ofDays(365), false, done -> log.info("{} rows purged", done));
            List<AuditEvent> history = ops.auditLog(null, "acme", null, 50, null);
            // README:operating:end
            assertThat(partner.key().allowedIps().allows("203.0.113.9")).isTrue();
            assertThat(stale.keys()).isEmpty();
            assertThat(wouldRevoke).isZero();
            assertThat(offboarded).isEqualTo(2);
            // revoke-all: one row per key it revoked, then its own.
            assertThat(history).extracting(AuditEvent::action).containsExactly("revoke-all", "revoke-all", "revoke-all", "enable",
                    "disable", "create", "create");
            assertThat(history.get(0).actor()).isEqualTo("support:bob");
            assertThat(seen).hasSize(5);
        }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ReadmeExampleTest.class);

    @Test
    void theUsageLimitsExampleRuns() {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("a-long-random-server-secret").build()) {
            // README:usage:start
            IssuedKey metered = store.create("alice", KeySpec.of("partner", List.of("docs:read")).limits(UsageLimits.NONE
                    .withRateLimit(UsageLimits.RateLimit.parse("100/1m"))   // per key; see also PKAUTH_DEFAULT_RATE_LIMIT
                    .withCredits(1000)
                    .withRefill(UsageLimits.Refill.parse("1000/30d"))));
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
