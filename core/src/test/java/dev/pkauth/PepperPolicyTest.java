package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.testing.Backend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The review's pepper findings: each case here was accepted, silently, before the fix. */
class PepperPolicyTest {
    static final String STRONG = "0123456789abcdef0123456789abcdef-strong";

    @TempDir
    Path dir;

    static ApiKeyStore fromEnv(Map<String, String> env) {
        return ApiKeyStore.builder().inMemory().settings(Settings.fromEnvironment(env)).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "yes", "on", "TRUE", "On"})
    void everySpellingOfTrueRequiresAPepper(String spelling) {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", spelling)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no pepper is set and a pepper is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ture", "y", "enabled", "2"})
    void aBooleanThatIsNeitherTrueNorFalseStopsStartupNamingTheSetting(String value) {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", value)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PKAUTH_REQUIRE_PEPPER must be true or false");
    }

    @ParameterizedTest
    @ValueSource(strings = {"${PKAUTH_PEPPER}", "${PKAUTH_PEPPER:}", "${pkauth.secret:fallback-value}", "s3cret-${PKAUTH_PEPPER}"})
    void anUnresolvedPlaceholderIsRefusedWithOrWithoutARequiredPepperAndOnlyItsNameEchoed(String placeholder) {
        String name = placeholder.substring(placeholder.indexOf("${") + 2).split("[:}]")[0];
        for (String require : List.of("true", "false")) {
            assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", require, "PKAUTH_PEPPER", placeholder)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("PKAUTH_PEPPER holds the placeholder ${" + name + "}, which was not resolved")
                    .message().doesNotContain("fallback-value", "s3cret", "bytes long");
        }
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory()
                        .settings(Settings.of(Map.of(Settings.JDBC_PASSWORD, placeholder))).build())
                .as("any setting, not only the pepper").hasMessageContaining("placeholder ${" + name + "}");
    }

    @Test
    void aRequiredPepperRefusesTheDevelopmentPepperAmongThePreviousOnes() {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", "true", "PKAUTH_PEPPER", STRONG,
                        "PKAUTH_PEPPER_PREVIOUS", "an-older-one-0123456789abcdef0123," + ApiKeyStore.DEVELOPMENT_PEPPER)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PKAUTH_PEPPER_PREVIOUS holds the public development pepper");
    }

    @Test
    void anExplicitDevelopmentOrShortPepperIsWarnedAboutWhenNotRequired() {
        try (dev.pkauth.testing.Logs logs = dev.pkauth.testing.Logs.capture()) {
            fromEnv(Map.of("PKAUTH_PEPPER", STRONG, "PKAUTH_PEPPER_PREVIOUS", ApiKeyStore.DEVELOPMENT_PEPPER)).close();
            fromEnv(Map.of("PKAUTH_PEPPER", "short-pepper")).close();
            fromEnv(Map.of("PKAUTH_PEPPER", STRONG)).close();
            assertThat(logs.atLeast(ch.qos.logback.classic.Level.WARN))
                    .anySatisfy(line -> assertThat(line).contains("is the public development pepper"))
                    .anySatisfy(line -> assertThat(line).contains("PKAUTH_PEPPER is only 12 bytes long"))
                    .hasSize(2)
                    .allSatisfy(line -> assertThat(line).doesNotContain("short-pepper", ApiKeyStore.DEVELOPMENT_PEPPER));
        }
    }

    @Test
    void aRequiredPepperMustNotBeTheDevelopmentPepper() {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", "true",
                        "PKAUTH_PEPPER", ApiKeyStore.DEVELOPMENT_PEPPER)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("public development pepper");
    }

    @ParameterizedTest
    @ValueSource(strings = {"x", "0123456789abcdef0123456789abcde"})
    void aRequiredPepperMustBeAtLeast32Bytes(String shortPepper) {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", "true", "PKAUTH_PEPPER", shortPepper)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory().requirePepper(true).pepper(shortPepper).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least 32 bytes");
    }

    @Test
    void aRequiredPepperOf32BytesStarts() {
        try (ApiKeyStore store = fromEnv(Map.of("PKAUTH_REQUIRE_PEPPER", "yes", "PKAUTH_PEPPER", STRONG))) {
            assertThat(store.verify(store.create("alice", null, List.of(), null).token()).isValid()).isTrue();
        }
    }

    @Test
    void previousPeppersWithoutACurrentOneAlwaysFail() {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_PEPPER_PREVIOUS", "old-pepper")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no current pepper").hasMessageContaining("PKAUTH_PEPPER");
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory().previousPeppers("old-pepper").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no current pepper");
    }

    @ParameterizedTest
    @ValueSource(strings = {STRONG + "\n", " " + STRONG, STRONG + "\t"})
    void aPepperWithSurroundingWhitespaceIsRefusedNotTrimmed(String pepper) {
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_PEPPER", pepper)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PKAUTH_PEPPER").hasMessageContaining("whitespace")
                .hasMessageNotContaining(STRONG);
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory().pepper(pepper))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whitespace");
        assertThatThrownBy(() -> fromEnv(Map.of("PKAUTH_PEPPER", STRONG, "PKAUTH_PEPPER_PREVIOUS", "a," + pepper)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PKAUTH_PEPPER_PREVIOUS");
    }

    @Test
    void layeredSettingsKeepTheRawPepperSoEveryReaderRefusesTheSameWhitespace() {
        Settings layered = Settings.of(Map.of("table", "t")).orElse(Settings.fromEnvironment(Map.of("PKAUTH_PEPPER", STRONG + "\n")));
        assertThat(layered.raw(Settings.PEPPER)).endsWith("\n");
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory().settings(layered).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("whitespace");
    }

    @Test
    void reHashingNeverMovesAKeyToTheDevelopmentPepper() throws Exception {
        String table = dev.pkauth.testing.PostgresSupport.uniqueTable("keys");
        IssuedKey issued;
        try (ApiKeyStore store = Backend.SQLITE.builderFor(dir, table).pepper(STRONG).build()) {
            issued = store.create("alice", null, List.of(), null);
        }
        // Misconfigured: the real pepper demoted to "previous" under the development pepper.
        try (ApiKeyStore store = Backend.SQLITE.builderFor(dir, table).executor(Runnable::run)
                .pepper(ApiKeyStore.DEVELOPMENT_PEPPER).previousPeppers(STRONG).build()) {
            assertThat(store.verify(issued.token()).isValid()).isTrue();
            store.flush();
        }
        try (ApiKeyStore store = Backend.SQLITE.builderFor(dir, table).pepper(STRONG).build()) {
            assertThat(store.verify(issued.token()).isValid()).as("still hashed under the real pepper").isTrue();
        }
    }
}
