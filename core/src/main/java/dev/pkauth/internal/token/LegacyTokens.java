package dev.pkauth.internal.token;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Token shapes of another system a deployment still accepts ({@code legacy-tokens}): tokens that
 * carry no pkauth id, looked up instead by the SHA-256 of the whole token on an index. Each shape
 * is a literal prefix followed by {@code *}: {@code ba_*} (better-auth with prefix {@code ba_}),
 * {@code unkey_*}, or {@code *} alone for tokens with no prefix (better-auth's default). The part
 * after the prefix must be 16 to 256 characters of {@code [A-Za-z0-9_-]}, so a header of any
 * other text is malformed without a lookup, as before.
 */
public final class LegacyTokens {
    /** None declared: tokens not of pkauth's shape are malformed. */
    public static final LegacyTokens NONE = new LegacyTokens(List.of());

    static final int MIN_BODY = 16;
    static final int MAX_BODY = 256;

    private final List<String> prefixes;

    private LegacyTokens(List<String> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /**
     * Parses {@code ba_*,unkey_*} or {@code *}.
     *
     * @throws IllegalArgumentException naming the entry that is not a prefix followed by {@code *}
     */
    public static LegacyTokens parse(@Nullable String list) {
        if (list == null || list.isBlank()) return NONE;
        List<String> out = new ArrayList<>();
        for (String entry : list.split(",", -1)) {
            String e = entry.strip();
            if (!e.endsWith("*") || e.indexOf('*') != e.length() - 1) {
                throw new IllegalArgumentException("each legacy token shape is a prefix followed by *, such as ba_* or *; got '"
                        + e + "'");
            }
            String prefix = e.substring(0, e.length() - 1);
            if (prefix.length() > 32 || !prefix.chars().allMatch(LegacyTokens::bodyChar)) {
                throw new IllegalArgumentException("a legacy token prefix is at most 32 characters of [A-Za-z0-9_-]; got '" + e + "'");
            }
            out.add(prefix);
        }
        // The longest prefix first, so ba_live_ is preferred over ba_ and * comes last.
        out.sort((a, b) -> b.length() - a.length());
        return new LegacyTokens(out);
    }

    /** Whether any shape is declared. */
    public boolean any() {
        return !prefixes.isEmpty();
    }

    /** Whether {@code token} has one of the declared shapes (the caller has already found it not of pkauth's). */
    public boolean matches(String token) {
        for (String p : prefixes) {
            if (!token.startsWith(p)) continue;
            int body = token.length() - p.length();
            if (body < MIN_BODY || body > MAX_BODY) continue;
            boolean ok = true;
            for (int i = p.length(); i < token.length() && ok; i++) ok = bodyChar(token.charAt(i));
            if (ok) return true;
        }
        return false;
    }

    /**
     * How a refused legacy token is named in logs: its declared shape only. Unlike a pkauth id,
     * every character after the prefix is secret.
     */
    public String shapeOf(String token) {
        for (String p : prefixes) {
            if (token.startsWith(p)) return p + "*";
        }
        return "*";
    }

    private static boolean bodyChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    @Override
    public String toString() {
        return prefixes.isEmpty() ? "none" : String.join(",", prefixes.stream().map(p -> p + "*").toList());
    }
}
