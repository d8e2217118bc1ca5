package dev.pkauth.testing;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A module's public API as text, one line per public or protected type and member of its exported
 * packages, sorted: committed as {@code api/<module>.api} and compared by each module's tests, so
 * an API change cannot land without the dump changing in the same commit (OkHttp keeps its API
 * the same way; japicmp against a release takes over once there is one).
 *
 * <p>Run the module's tests with {@code -Dpkauth.api.update=true} to rewrite the dump after an
 * intended change, and commit it.
 */
public final class ApiDump {
    private ApiDump() {}

    /** The dump of the public and protected API of {@code packages} (not their subpackages). */
    public static String of(String... packages) {
        JavaClasses classes = Architecture.mainClasses(packages);
        TreeMap<String, List<String>> types = new TreeMap<>();
        for (JavaClass c : classes) {
            if (!Arrays.asList(packages).contains(c.getPackageName())) continue;
            Class<?> type = c.reflect();
            if (!visible(type.getModifiers()) || !enclosingVisible(type)) continue;
            List<String> members = new ArrayList<>();
            for (Constructor<?> k : type.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && !k.isSynthetic()) {
                    members.add(modifiers(k.getModifiers()) + "<init>(" + params(k.getGenericParameterTypes()) + ")");
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    members.add((m.isAnnotationPresent(dev.pkauth.Beta.class) ? "@Beta " : "")
                            + modifiers(m.getModifiers()) + m.getGenericReturnType().getTypeName() + " " + m.getName()
                            + "(" + params(m.getGenericParameterTypes()) + ")");
                }
            }
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    members.add(modifiers(f.getModifiers()) + f.getGenericType().getTypeName() + " " + f.getName());
                }
            }
            members.sort(null);
            boolean beta = type.isAnnotationPresent(dev.pkauth.Beta.class) || type.getPackage().isAnnotationPresent(dev.pkauth.Beta.class);
            String header = (beta ? "@Beta " : "") + modifiers(type.getModifiers() & ~Modifier.INTERFACE) + kind(type) + " " + type.getName()
                    + (type.getGenericSuperclass() == null || type.getSuperclass() == Object.class || type.isEnum() || type.isRecord()
                            ? "" : " extends " + type.getGenericSuperclass().getTypeName())
                    + (type.getGenericInterfaces().length == 0 ? "" : (type.isInterface() ? " extends " : " implements ")
                            + Arrays.stream(type.getGenericInterfaces()).map(java.lang.reflect.Type::getTypeName)
                                    .collect(Collectors.joining(", ")));
            types.put(type.getName(), prepend(header, members));
        }
        StringBuilder out = new StringBuilder();
        types.values().forEach(lines -> {
            out.append(lines.get(0)).append(" {\n");
            lines.subList(1, lines.size()).forEach(l -> out.append("  ").append(l).append('\n'));
            out.append("}\n\n");
        });
        return out.toString();
    }

    /**
     * Fails when {@code dump} differs from the committed {@code file}, saying how to update it; with
     * {@code -Dpkauth.api.update=true}, writes it instead.
     */
    public static void assertMatches(Path file, String dump) {
        try {
            if (Boolean.getBoolean("pkauth.api.update")) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, dump);
                return;
            }
            String committed = Files.exists(file) ? Files.readString(file) : "";
            String difference = difference(committed, dump);
            if (difference != null) {
                throw new AssertionError("the public API differs from " + file + ":\n" + difference
                        + "\nIf the change is intended, run the tests with -Dpkauth.api.update=true and commit the file.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines only one side has ({@code - } committed, {@code + } now), or {@code null} when the dumps are equal. */
    public static String difference(String committed, String dump) {
        if (committed.equals(dump)) return null;
        List<String> was = committed.lines().toList();
        List<String> now = dump.lines().toList();
        String removed = was.stream().filter(l -> !now.contains(l)).map(l -> "- " + l).collect(Collectors.joining("\n"));
        String added = now.stream().filter(l -> !was.contains(l)).map(l -> "+ " + l).collect(Collectors.joining("\n"));
        return removed + "\n" + added;
    }

    private static List<String> prepend(String header, List<String> members) {
        List<String> all = new ArrayList<>(members.size() + 1);
        all.add(header);
        all.addAll(members);
        return all;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean enclosingVisible(Class<?> type) {
        for (Class<?> c = type.getEnclosingClass(); c != null; c = c.getEnclosingClass()) {
            if (!visible(c.getModifiers())) return false;
        }
        return true;
    }

    private static String kind(Class<?> type) {
        if (type.isAnnotation()) return "@interface";
        if (type.isInterface()) return "interface";
        if (type.isEnum()) return "enum";
        if (type.isRecord()) return "record";
        return "class";
    }

    private static String modifiers(int modifiers) {
        String m = Modifier.toString(modifiers & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL
                | Modifier.ABSTRACT | Modifier.INTERFACE));
        return m.isEmpty() ? "" : m + " ";
    }

    private static String params(java.lang.reflect.Type[] types) {
        return Arrays.stream(types).map(java.lang.reflect.Type::getTypeName).collect(Collectors.joining(", "));
    }
}
