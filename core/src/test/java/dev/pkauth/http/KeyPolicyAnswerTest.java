package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.Settings;
import dev.pkauth.testing.Backend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key policy as the settings set it, and its answer: 401 naming the policy, for every adapter. */
class KeyPolicyAnswerTest {
    @TempDir
    Path dir;

    @Test
    void aKeyOutsideThePolicyIs401SayingSoAndThePolicySettingsAreChecked() {
        IssuedKey old;
        try (ApiKeyStore before = ApiKeyStore.builder().jdbcUrl(Backend.sqliteUrl(dir)).pepper("policy-pepper").build()) {
            old = before.create("alice", null, List.of(), null);
        }
        Settings policy = Settings.of(Map.of(Settings.JDBC_URL, Backend.sqliteUrl(dir), Settings.REQUIRE_EXPIRY, "true"));
        try (ApiKeyStore store = ApiKeyStore.builder().settings(policy).pepper("policy-pepper").build()) {
            AuthOutcome outcome = new BearerAuthenticator(store, "api").authenticate(List.of("Bearer " + old.token()),
                    AccessRule.AUTHENTICATED);
            AuthFailure failure = ((AuthOutcome.Rejected) outcome).failure();
            assertThat(failure.status()).isEqualTo(401);
            assertThat(failure.headers().get("WWW-Authenticate")).contains("invalid_token",
                    "the API key does not meet this service's key policy");
        }
        Settings bad = Settings.of(Map.of(Settings.JDBC_URL, Backend.sqliteUrl(dir), Settings.MAX_KEY_LIFETIME, "0d"));
        assertThatThrownBy(() -> ApiKeyStore.builder().settings(bad).pepper("policy-pepper").build().close())
                .hasMessageContaining("PKAUTH_MAX_KEY_LIFETIME");
        Settings typo = Settings.of(Map.of(Settings.JDBC_URL, Backend.sqliteUrl(dir), Settings.REQUIRE_LIMITS, "ture"));
        assertThatThrownBy(() -> ApiKeyStore.builder().settings(typo).pepper("policy-pepper").build().close())
                .hasMessageContaining("PKAUTH_REQUIRE_LIMITS");
    }
}
