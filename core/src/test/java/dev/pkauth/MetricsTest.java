package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's meters in a real Micrometer registry, named by Micrometer's conventions. */
class MetricsTest {
    @TempDir
    Path dir;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    double count(String name, String... tags) {
        var search = registry.find(name).tags(tags);
        if (search.counter() != null) return search.counter().count();
        if (search.functionCounter() != null) return search.functionCounter().count();
        return search.timer() == null ? -1 : search.timer().count();
    }

    @Test
    void verificationsCacheLookupsLimitsTouchesAndOutagesAreCounted() throws Exception {
        // A table with an untagged key, so that unknown ids are looked up (and throttled) as counted below.
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir).withUntaggedKey();
        try (ApiKeyStore store = db.builder().meterRegistry(registry).executor(Runnable::run)
                .failedAuthLimit(UsageLimits.RateLimit.parse("2/1h")).build()) {
            IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withCredits(1)));
            for (int i = 0; i < 3; i++) assertThat(store.verify(k.token()).isValid()).isTrue();
            String wrong = dev.pkauth.testing.TestTokens.wrongSecret(k.token());
            store.verify(wrong);
            store.verify("pk.nonsense");
            ApiKeyPrincipal p = ((Verification.Valid) store.verify(k.token())).principal();
            assertThat(store.admit(p).allowed()).isTrue();
            assertThat(store.admit(p).allowed()).isFalse();
            String unknown = "pk.key_" + "Z".repeat(32) + k.token().substring(39);
            for (int i = 0; i < 3; i++) store.verify(unknown.replace('Z', (char) ('A' + i)), "203.0.113.5");
            store.flush();

            assertThat(count("pkauth.verifications", "outcome", "valid")).isEqualTo(4);
            assertThat(count("pkauth.verifications", "outcome", "invalid", "reason", "bad_secret")).isEqualTo(1);
            assertThat(count("pkauth.verifications", "outcome", "invalid", "reason", "malformed")).isEqualTo(1);
            assertThat(count("pkauth.verifications", "outcome", "invalid", "reason", "not_found")).isEqualTo(2);
            assertThat(count("pkauth.verifications", "outcome", "throttled")).isEqualTo(1);
            assertThat(count("pkauth.limits.hits", "limit", "credits")).isEqualTo(1);
            assertThat(count("pkauth.limits.hits", "limit", "failed_auth")).isEqualTo(1);
            assertThat(count("pkauth.cache.gets", "result", "miss")).isEqualTo(3); // the key, and two unknown ids
            assertThat(count("pkauth.cache.gets", "result", "hit")).isEqualTo(4); // two valid, the wrong secret, before admit
            assertThat(count("pkauth.store.lookups")).isEqualTo(3);
            assertThat(count("pkauth.touch.writes")).isEqualTo(1);
            assertThat(registry.find("pkauth.verifications").tag("table", db.table()).counters()).isNotEmpty();

            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("DROP TABLE " + db.table());
            }
            String other = "pk.key_" + "Q".repeat(32) + k.token().substring(39);
            assertThatThrownBy(() -> store.verify(other)).isInstanceOf(StoreUnavailableException.class);
            assertThat(count("pkauth.store.unavailable")).isEqualTo(1);
        }
    }
}
