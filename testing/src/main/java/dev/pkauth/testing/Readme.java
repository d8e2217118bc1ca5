package dev.pkauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps README snippets honest. Code between {@code // README:name:start} and
 * {@code // README:name:end} in a test must appear verbatim in the README (dedented to the start
 * marker), and README blocks after {@code <!-- readme:name -->} can be read back for a test to run.
 */
public final class Readme {
    private Readme() {}

    public static String text() {
        try {
            return Files.readString(Path.of("..", "README.md"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that region {@code name} of {@code testClass}'s source stands in the README. */
    public static void assertShows(Class<?> testClass, String name) {
        Path source = Path.of("src", "test", "java", testClass.getName().replace('.', '/') + ".java");
        List<String> lines;
        try {
            lines = Files.readAllLines(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("// README:" + name + ":start")) start = i;
            if (lines.get(i).strip().equals("// README:" + name + ":end")) end = i;
        }
        assertThat(start).as("start marker of " + name).isNotNegative();
        assertThat(end).as("end marker of " + name).isGreaterThan(start);
        int indent = lines.get(start).indexOf('/');
        String region = lines.subList(start + 1, end).stream()
                .map(l -> l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l.strip())
                .collect(Collectors.joining("\n"));
        assertThat(text()).as("README shows region " + name + " of " + source).contains(region);
    }

    /** The fenced block that follows {@code <!-- readme:name -->} in the README. */
    public static String block(String name) {
        String readme = text();
        int marker = readme.indexOf("<!-- readme:" + name + " -->");
        assertThat(marker).as("README marker " + name).isNotNegative();
        int open = readme.indexOf("```", marker);
        int bodyStart = readme.indexOf('\n', open) + 1;
        int close = readme.indexOf("```", bodyStart);
        return readme.substring(bodyStart, close);
    }
}
