package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyStoreBuilderTest {
    @TempDir
    Path dir;

    @Test
    void aBackendIsRequired() {
        assertThatThrownBy(() -> ApiKeyStore.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PKAUTH_JDBC_URL");
    }

    @Test
    void onlyOneBackendMayBeChosen() {
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory().jdbcUrl("jdbc:sqlite:x.db"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already chosen");
    }

    @Test
    void optionsMayBeSetOnce() {
        assertThatThrownBy(() -> ApiKeyStore.builder().pepper("a").pepper("b")).hasMessageContaining("pepper was already set");
    }

    @Test
    void tableNamesMustBeSqlIdentifiers() {
        assertThatThrownBy(() -> ApiKeyStore.builder().table("keys; DROP TABLE x")).hasMessageContaining("table name");
        assertThatThrownBy(() -> ApiKeyStore.builder().table("1keys")).hasMessageContaining("table name");
        assertThatThrownBy(() -> ApiKeyStore.builder().table("")).hasMessageContaining("table name");
        assertThat(ApiKeyStore.builder().table("_pylon_api_keys")).isNotNull();
    }

    @Test
    void unsupportedUrlsAreRefusedByName() {
        assertThatThrownBy(() -> ApiKeyStore.builder().jdbcUrl("jdbc:mysql://x/y").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("jdbc:sqlite:").hasMessageContaining("mysql");
    }

    @Test
    void inMemorySqliteIsRefusedWithAHint() {
        assertThatThrownBy(() -> ApiKeyStore.builder().jdbcUrl("jdbc:sqlite::memory:").build())
                .hasMessageContaining("inMemory()");
    }

    @Test
    void anUnreachableDatabaseIsUnavailableAndTheMessageHidesQueryParameters() {
        assertThatThrownBy(() -> ApiKeyStore.builder()
                        .jdbcUrl("jdbc:postgresql://127.0.0.1:1/none?password=hunter2").build())
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aRequiredPepperThatIsMissingStopsStartup() {
        Settings env = Settings.fromEnvironment(Map.of("PKAUTH_REQUIRE_PEPPER", "true"));
        assertThatThrownBy(() -> ApiKeyStore.builder().inMemory().settings(env).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PKAUTH_PEPPER");
    }

    @Test
    void settingsComeFromTheEnvironmentByName() {
        String url = "jdbc:sqlite:" + dir.resolve("env.db");
        Settings env = Settings.fromEnvironment(Map.of(
                "PKAUTH_JDBC_URL", url, "PKAUTH_TABLE", "env_keys", "PKAUTH_PEPPER", "current",
                "PKAUTH_PEPPER_PREVIOUS", "old1,old2", "PKAUTH_TOUCH_INTERVAL", "5m"));
        assertThat(env.toString()).contains("jdbc-url", "pepper").doesNotContain("current", "old1");

        String token;
        try (ApiKeyStore old = ApiKeyStore.builder().jdbcUrl(url).table("env_keys").pepper("old2").build()) {
            token = old.create("u", null, List.of(), null).token();
        }
        try (ApiKeyStore store = ApiKeyStore.builder().settings(env).build()) {
            assertThat(store.toString()).contains("env_keys").doesNotContain("current");
            assertThat(store.verify(token).isValid()).isTrue();
        }
    }

    @Test
    void explicitOptionsWinOverSettings() {
        Settings env = Settings.fromEnvironment(Map.of("PKAUTH_TABLE", "from_env"));
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("x.db"))
                .table("explicit").settings(env).build()) {
            assertThat(store.toString()).contains("explicit");
        }
    }

    @Test
    void durationsParseWithUnitsAndRefuseTheRest() {
        assertThat(Settings.parseDuration("90d")).isEqualTo(Duration.ofDays(90));
        assertThat(Settings.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Settings.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Settings.parseDuration("0s")).isEqualTo(Duration.ZERO);
        for (String bad : new String[] {"", "d", "90", "-1d", "1w", "1.5h", "+1d", "abc"}) {
            assertThatThrownBy(() -> Settings.parseDuration(bad)).as(bad).hasMessageContaining("90d");
        }
    }

    @Test
    void theResolvedOptionsNeverShowAPepper() {
        String pepper = "a-pepper-that-must-never-be-printed-0123456789";
        dev.pkauth.internal.engine.Given given = new dev.pkauth.internal.engine.Given();
        given.pepper = pepper;
        given.previousPeppers = List.of("an-older-one-also-secret");
        String shown = dev.pkauth.internal.engine.StoreOptions.resolve(given).toString();
        org.assertj.core.api.Assertions.assertThat(shown).doesNotContain(pepper).doesNotContain("an-older-one")
                .contains("peppers=2 (not shown)");
    }
}
