package dev.pkauth.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine's shape, held: no source file of core grows past {@value #MAX_LINES} lines (Javadoc
 * included), every package is {@code @NullMarked} (so NullAway checks it), and no two of its files
 * refer to each other (but a builder and what it builds), so
 * every dependency shows as an import that runs one way.
 */
class EngineShapeTest {
    static final int MAX_LINES = 600;

    @Test
    void noSourceFileOfCoreIsOver600Lines() throws IOException {
        Path main = Path.of("src/main/java");
        assertThat(main).isDirectory();
        List<String> long_ = new ArrayList<>();
        int files = 0;
        try (Stream<Path> all = Files.walk(main)) {
            for (Path p : all.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                long lines;
                try (Stream<String> l = Files.lines(p)) {
                    lines = l.count();
                }
                if (lines > MAX_LINES) long_.add(main.relativize(p) + " (" + lines + " lines)");
            }
        }
        assertThat(files).as("source files read").isGreaterThan(50);
        assertThat(long_).as("files over " + MAX_LINES + " lines").isEmpty();
    }

    @Test
    void everyPackageOfCoreIsNullMarked() throws IOException {
        Path main = Path.of("src/main/java");
        List<String> unmarked = new ArrayList<>();
        int packages = 0;
        try (Stream<Path> all = Files.walk(main)) {
            for (Path dir : all.filter(Files::isDirectory).toList()) {
                boolean hasSources;
                try (Stream<Path> files = Files.list(dir)) {
                    hasSources = files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("package-info.java")
                            && !f.endsWith("module-info.java"));
                }
                if (!hasSources) continue;
                packages++;
                Path info = dir.resolve("package-info.java");
                if (!Files.exists(info) || !Files.readString(info).contains("@NullMarked")) unmarked.add(main.relativize(dir).toString());
            }
        }
        assertThat(packages).as("packages seen").isGreaterThan(10);
        assertThat(unmarked).as("packages NullAway does not check (no @NullMarked package-info)").isEmpty();
    }

    @Test
    void noTwoFilesOfCoreReferToEachOther() {
        Map<String, Set<String>> uses = fileDependencies();
        assertThat(uses).as("files seen").hasSizeGreaterThan(50);
        assertThat(uses.get("dev.pkauth.ApiKeyStore")).as("a dependency the rule must see")
                .contains("dev.pkauth.internal.engine.Engine");
        // The one pair kept on purpose: ApiKeyStore.builder() is the documented way in, and the
        // builder's only reference back is the type it builds.
        assertThat(twoWayPairs(uses)).containsExactly("dev.pkauth.ApiKeyStore <-> dev.pkauth.ApiKeyStoreBuilder");
    }

    @Test
    void aTwoWayPairIsFound() {
        Map<String, Set<String>> planted = new TreeMap<>(Map.of("a.A", Set.of("a.B"), "a.B", Set.of("a.A", "a.C"),
                "a.C", Set.of()));
        assertThat(twoWayPairs(planted)).containsExactly("a.A <-> a.B");
    }

    /** For each top-level class of core (its nested classes counted as it), the other top-level classes of core it uses. */
    static Map<String, Set<String>> fileDependencies() {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (JavaClass c : ArchitectureTest.CORE) {
            String from = topLevel(c);
            Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String target = topLevel(d.getTargetClass());
                if (target.startsWith("dev.pkauth.") && !target.equals(from)) to.add(target);
            }
        }
        return uses;
    }

    static List<String> twoWayPairs(Map<String, Set<String>> uses) {
        List<String> pairs = new ArrayList<>();
        uses.forEach((a, targets) -> {
            for (String b : targets) {
                if (a.compareTo(b) < 0 && uses.getOrDefault(b, Set.of()).contains(a)) pairs.add(a + " <-> " + b);
            }
        });
        return pairs;
    }

    private static String topLevel(JavaClass c) {
        JavaClass top = c;
        while (top.getEnclosingClass().isPresent()) top = top.getEnclosingClass().get();
        return top.getName();
    }
}
