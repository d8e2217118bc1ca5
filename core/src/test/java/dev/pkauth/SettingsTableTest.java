package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each setting is declared once, in {@link Settings#options()}: the README's settings table is
 * generated from it, and this test fails when the two differ. To regenerate the table after
 * changing an option: {@code mvn -q test -pl core -Dtest=SettingsTableTest -Dpkauth.readme.update=true}.
 */
class SettingsTableTest {
    static final Path README = Path.of("../README.md");
    static final String HEADER = "| setting (environment) | web.xml | default | meaning |";
    /** Rows of the table that are not library settings. */
    static final List<String> EXTRA = List.of("| `PKAUTH_LOG_LEVEL`, `PKAUTH_ROOT_LOG_LEVEL` | — | `INFO` | example and CLI only: "
            + "pkauth's own level, and the root level (see Logging) |");

    static List<String> generated() {
        List<String> rows = new ArrayList<>();
        rows.add(HEADER);
        rows.add("| --- | --- | --- | --- |");
        boolean first = true;
        for (Settings.Option o : Settings.options()) {
            String webXml = first ? "`pkauth." + o.name() + "` / `" + o.name() + "`" : "`…" + o.name() + "`";
            first = false;
            rows.add("| `" + o.environmentName() + "` | " + webXml + " | " + o.documentedDefault() + " | " + o.description() + " |");
        }
        rows.addAll(EXTRA);
        return rows;
    }

    @Test
    void theReadmeTableIsTheOptionTable() throws IOException {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int start = lines.indexOf(HEADER);
        assertThat(start).as("the settings table's header in the README").isNotNegative();
        int end = start;
        while (end < lines.size() && lines.get(end).startsWith("|")) end++;
        List<String> expected = generated();
        if (Boolean.getBoolean("pkauth.readme.update")) {
            List<String> updated = new ArrayList<>(lines.subList(0, start));
            updated.addAll(expected);
            updated.addAll(lines.subList(end, lines.size()));
            Files.write(README, updated, StandardCharsets.UTF_8);
            return;
        }
        assertThat(lines.subList(start, end)).as("the README's settings table (regenerate with -Dpkauth.readme.update=true)")
                .containsExactlyElementsOf(expected);
    }

    @Test
    void everyOptionIsDeclaredOnceWithADescriptionAndADefaultThatParses() {
        List<Settings.Option> options = Settings.options();
        assertThat(options).hasSizeGreaterThan(20);
        assertThat(new HashSet<>(Settings.names())).hasSameSizeAs(options);
        for (Settings.Option o : options) {
            assertThat(o.description()).as(o.name()).isNotBlank().doesNotEndWith(".");
            String d = o.defaultValue();
            if (d == null) continue;
            switch (o.kind()) {
                case DURATION -> assertThat(Settings.parseDurationOrMillis(d)).as(o.name()).isNotNull();
                case INTEGER -> assertThat(Integer.parseInt(d)).as(o.name()).isPositive();
                case BOOLEAN -> Settings.parseBoolean(d, o.name());
                case RATE -> assertThat(UsageLimits.RateLimit.parse(d)).as(o.name()).isNotNull();
                default -> assertThat(d).as(o.name()).isNotBlank();
            }
        }
    }

    @Test
    void aStoreBuiltWithNoSettingsUsesTheDeclaredDefaults() {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("a-long-random-server-secret").build()) {
            assertThat(store.toString()).contains("cache ttl " + Settings.parseDuration(
                    Settings.option(Settings.CACHE_TTL).defaultValue()).toSeconds() + "s");
            assertThat(store.tokenPattern().prefixes()).containsExactly(Settings.option(Settings.TOKEN_PREFIX).defaultValue());
        }
    }
}
