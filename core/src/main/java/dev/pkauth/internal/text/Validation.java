package dev.pkauth.internal.text;

import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/** Argument checks shared by the store and its front ends. Messages say what is wrong and never echo secrets. */
public final class Validation {
    public static final int MAX_USER_ID_CHARS = 255;
    public static final int MAX_NAME_CHARS = 200;
    public static final int MAX_SCOPES = 64;
    public static final int MAX_SCOPE_CHARS = 128;
    private static final Pattern SQL_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Validation() {}

    public static String userId(String userId) {
        if (userId == null || userId.isBlank()) throw new IllegalArgumentException("user id must not be empty");
        if (userId.length() > MAX_USER_ID_CHARS) {
            throw new IllegalArgumentException("user id is longer than " + MAX_USER_ID_CHARS + " characters");
        }
        if (hasControl(userId)) throw new IllegalArgumentException("user id must not contain control characters");
        return userId;
    }

    public static String name(@Nullable String name) {
        if (name == null) return "";
        String trimmed = name.strip();
        if (trimmed.length() > MAX_NAME_CHARS) {
            throw new IllegalArgumentException("key name is longer than " + MAX_NAME_CHARS + " characters ("
                    + trimmed.length() + ")");
        }
        if (hasControl(trimmed)) throw new IllegalArgumentException("key name must not contain control characters");
        return trimmed;
    }

    /**
     * Trims each scope and drops duplicates, keeping order. A scope is 1 to 128 printable ASCII
     * characters other than space, {@code "}, {@code \} and {@code ,} (RFC 6750's scope-token,
     * minus the comma that separates scopes in the table).
     */
    public static List<String> scopes(Collection<String> scopes) {
        if (scopes == null) return List.of();
        if (scopes.size() > MAX_SCOPES) {
            throw new IllegalArgumentException("too many scopes: " + scopes.size() + " (at most " + MAX_SCOPES + ")");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String raw : scopes) {
            String scope = raw == null ? "" : raw.strip();
            if (scope.isEmpty()) throw new IllegalArgumentException("a scope must not be empty or blank");
            if (scope.length() > MAX_SCOPE_CHARS) {
                throw new IllegalArgumentException("scope is longer than " + MAX_SCOPE_CHARS + " characters");
            }
            for (int i = 0; i < scope.length(); i++) {
                char c = scope.charAt(i);
                if (c == ',') throw new IllegalArgumentException("scope \"" + scope + "\" must not contain a comma");
                if (c <= 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                    throw new IllegalArgumentException("scope must be printable ASCII without spaces, quotes or "
                            + "backslashes: " + printable(scope));
                }
            }
            out.add(scope);
        }
        return List.copyOf(new ArrayList<>(out));
    }

    /** A table name: an SQL identifier, refused otherwise (it is spliced into SQL). */
    public static String table(String table) {
        if (table == null || !SQL_IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table name must match [A-Za-z_][A-Za-z0-9_]* (at most 63 characters): "
                    + (table == null ? "null" : printable(table)));
        }
        return table;
    }

    /** A realm for challenges: printable, no quotes or backslashes needed escaping is still escaped later. */
    public static String realm(String realm) {
        if (realm == null || realm.isEmpty()) throw new IllegalArgumentException("realm must not be empty");
        if (realm.length() > 200 || hasControl(realm)) {
            throw new IllegalArgumentException("realm must be at most 200 characters without control characters");
        }
        return realm;
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) return true;
        }
        return false;
    }

    /** Echoes user input in a message safely: control characters escaped, length capped. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder();
        int limit = Math.min(s.length(), 64);
        for (int i = 0; i < limit; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (s.length() > limit) b.append("…");
        return "\"" + b + "\"";
    }
}
