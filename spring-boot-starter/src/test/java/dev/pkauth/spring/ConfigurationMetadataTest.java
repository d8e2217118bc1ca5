package dev.pkauth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Spring's view of pkauth's settings follows the one option table ({@link Settings#options()}):
 * the property types follow each option's kind, and the IDE metadata's descriptions and defaults
 * are generated from the table into {@code additional-spring-configuration-metadata.json} (which
 * Spring's configuration processor merges over what it reads from the class). Regenerate after
 * changing an option: {@code mvn -q test -pl spring-boot-starter -am -Dtest=ConfigurationMetadataTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dpkauth.metadata.update=true}.
 */
class ConfigurationMetadataTest {
    static final Path ADDITIONAL = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

    static String generated() {
        List<String> items = new ArrayList<>();
        for (Settings.Option o : Settings.options()) {
            if (PkauthProperties.NOT_BOUND.contains(o.name())) continue;
            items.add(item(o.name(), sentence(o.description()), o.defaultValue()));
        }
        PkauthProperties.SPRING_ONLY.forEach((name, description) -> items.add(item(name, sentence(description), null)));
        return "{\n  \"properties\": [\n" + String.join(",\n", items) + "\n  ]\n}\n";
    }

    /** The table's phrase as an IDE shows it: plain text, a capital and a full stop. */
    static String sentence(String markdown) {
        String plain = markdown.replace("`", "");
        return Character.toUpperCase(plain.charAt(0)) + plain.substring(1) + (plain.endsWith(".") || plain.endsWith("…") ? "" : ".");
    }

    private static String item(String name, String description, String defaultValue) {
        return "    {\n      \"name\": \"pkauth." + name + "\",\n      \"description\": " + quote(description)
                + (defaultValue == null ? "" : ",\n      \"defaultValue\": " + quote(defaultValue)) + "\n    }";
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\');
            b.append(c);
        }
        return b.append('"').toString();
    }

    @Test
    void theAdditionalMetadataIsGeneratedFromTheOptionTable() throws IOException {
        String expected = generated();
        if (Boolean.getBoolean("pkauth.metadata.update")) {
            Files.writeString(ADDITIONAL, expected, StandardCharsets.UTF_8);
            return;
        }
        assertThat(Files.readString(ADDITIONAL, StandardCharsets.UTF_8))
                .as(ADDITIONAL + " (regenerate with -Dpkauth.metadata.update=true)").isEqualTo(expected);
    }

    @Test
    void theIdeSeesEachSettingWithItsTypeDescriptionAndDefault() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("the metadata Spring's configuration processor wrote").isNotNull();
            root = JsonMapper.builder().build().readTree(in);
        }
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode p : root.get("properties")) byName.put(p.get("name").asString(), p);
        int checked = 0;
        for (Settings.Option o : Settings.options()) {
            JsonNode p = byName.get("pkauth." + o.name());
            if (PkauthProperties.NOT_BOUND.contains(o.name())) {
                assertThat(p).as(o.name() + " is not bound").isNull();
                continue;
            }
            assertThat(p).as("pkauth." + o.name()).isNotNull();
            assertThat(p.get("type").asString()).as(o.name()).isEqualTo(javaType(o.kind()).getName());
            assertThat(p.get("description").asString()).as(o.name()).isEqualTo(sentence(o.description()));
            if (o.defaultValue() != null) assertThat(p.get("defaultValue").asString()).as(o.name()).isEqualTo(o.defaultValue());
            checked++;
        }
        assertThat(checked).isGreaterThan(20);
        assertThat(byName.keySet()).as("every property is a setting or one of the starter's own")
                .hasSize(checked + PkauthProperties.SPRING_ONLY.size());
    }

    @Test
    void eachFieldIsTypedByItsOptionsKind() throws NoSuchFieldException {
        for (Settings.Option o : Settings.options()) {
            if (PkauthProperties.NOT_BOUND.contains(o.name())) continue;
            Field f = PkauthProperties.class.getDeclaredField(camel(o.name()));
            assertThat(f.getType()).as(o.name()).isEqualTo(javaType(o.kind()));
        }
    }

    @Test
    void typedValuesReachPkauthInItsOwnSpelling() {
        PkauthProperties p = new PkauthProperties();
        p.setCacheTtl(Duration.ofDays(2));
        p.setQueryTimeout(Duration.ofMillis(1500));
        p.setRequirePepper(true);
        p.setPoolSize(7);
        Settings s = p.toSettings();
        assertThat(s.get(Settings.CACHE_TTL)).isEqualTo("2d");
        assertThat(s.get(Settings.QUERY_TIMEOUT)).isEqualTo("1500ms");
        assertThat(s.get(Settings.REQUIRE_PEPPER)).isEqualTo("true");
        assertThat(s.get(Settings.POOL_SIZE)).isEqualTo("7");
        p.setTouchInterval(Duration.ofMillis(500));
        org.assertj.core.api.Assertions.assertThatThrownBy(p::toSettings).hasMessageContaining("pkauth.touch-interval");
    }

    static Class<?> javaType(Settings.Kind kind) {
        return switch (kind) {
            case BOOLEAN -> Boolean.class;
            case INTEGER -> Integer.class;
            case DURATION -> Duration.class;
            default -> String.class;
        };
    }

    private static String camel(String name) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
