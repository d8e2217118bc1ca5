package dev.pkauth;

import dev.pkauth.internal.engine.Given;
import dev.pkauth.internal.engine.StoreOptions;

import dev.pkauth.internal.token.TokenFormat;
import dev.pkauth.internal.token.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a deployment's tokens look like, for finding them in text: secret scanners, pre-commit
 * hooks, {@code pkauth scan}. A token is {@code <prefix>.key_<32>.<43>} (base64url) for one of the
 * deployment's prefixes; keys minted since the checksum came carry a CRC-32 in their last four
 * secret bytes, so text that merely has the shape can be told from a real token without asking
 * the store (random text passes once in 2<sup>32</sup>).
 *
 * <pre>{@code
 * TokenPattern tokens = TokenPattern.of(List.of("acme", "pk"));
 * for (TokenPattern.Found f : tokens.find(text)) if (tokens.hasChecksum(f.token())) ...
 * }</pre>
 */
public final class TokenPattern {
    private final TokenFormat format;

    private TokenPattern(TokenFormat format) {
        this.format = format;
    }

    /**
     * The pattern of tokens under these prefixes.
     *
     * @param prefixes the current prefix first, then earlier ones; each 2 to 16 characters, a
     *     lower-case letter then lower-case letters and digits
     * @return the pattern
     * @throws IllegalArgumentException for an empty list or a prefix outside that rule
     */
    public static TokenPattern of(List<String> prefixes) {
        if (prefixes.isEmpty()) throw new IllegalArgumentException("at least one prefix is required");
        return new TokenPattern(new TokenFormat(prefixes.get(0), prefixes.subList(1, prefixes.size())));
    }

    /**
     * The pattern of the tokens a store built from {@code settings} accepts: {@code token-prefix}
     * ({@code pk} when unset) and {@code token-prefix-previous}, read as the store reads them.
     *
     * @param settings the settings
     * @return the pattern
     * @throws IllegalStateException for a prefix setting that cannot be used, naming it
     */
    public static TokenPattern of(Settings settings) {
        return new TokenPattern(StoreOptions.tokenFormat(new Given(), settings));
    }

    static TokenPattern of(TokenFormat format) {
        return new TokenPattern(format);
    }

    /**
     * The prefixes, current first.
     *
     * @return the prefixes
     */
    public List<String> prefixes() {
        return format.prefixes();
    }

    /**
     * The regular expression to register with a secret scanner:
     * {@code <prefix>\.key_[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}}.
     *
     * @return the expression (Java, PCRE and RE2 read it alike)
     */
    public String regex() {
        return format.scannerRegex();
    }

    /**
     * Whether {@code token} is exactly a token of these prefixes.
     *
     * @param token the text
     * @return whether it has the shape
     */
    public boolean matches(CharSequence token) {
        return format.idStart(token) >= 0;
    }

    /**
     * Whether {@code token} is a token of these prefixes carrying a valid checksum: a key minted
     * by pkauth since the checksum came, or text that passes by chance once in 2<sup>32</sup>.
     *
     * @param token the text
     * @return whether its checksum holds
     */
    public boolean hasChecksum(CharSequence token) {
        int start = format.idStart(token);
        return start >= 0 && TokenFormat.hasChecksum(token, start);
    }

    /**
     * The part of a token safe to show: its prefix, {@code .key_} and 9 id characters.
     *
     * @param token a token of these prefixes
     * @return its display prefix
     * @throws IllegalArgumentException when it is not one
     */
    public String displayPrefix(CharSequence token) {
        int start = format.idStart(token);
        if (start < 0) throw new IllegalArgumentException("not a token of " + format.prefixes());
        return TokenFormat.displayPrefix(token, start);
    }

    /**
     * A token found in a text.
     *
     * @param start where it starts (a char index)
     * @param token the token; {@link #toString()} shows only its display prefix
     */
    public record Found(int start, String token) {
        /**
         * @param start where it starts (a char index)
         * @param token the token
         */
        public Found {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public String toString() {
            int dot = token.indexOf('.');
            return "Found[" + start + ", " + token.substring(0, Math.min(token.length(), dot + 14)) + "…]";
        }
    }

    /**
     * Every token of these prefixes in {@code text}, standing alone (not inside a longer run of
     * token characters), in order. Looks for {@code .key_} first, so text without tokens is
     * skimmed at {@code indexOf} speed.
     *
     * @param text the text
     * @return what was found
     */
    public List<Found> find(String text) {
        List<Found> out = new ArrayList<>();
        int from = 0;
        int after = 1 + Tokens.ID_CHARS + 1 + Tokens.SECRET_CHARS; // from the dot before "key_" to the end
        while (true) {
            int dot = text.indexOf(".key_", from);
            if (dot < 0) return out;
            from = dot + 1;
            int end = dot + after;
            if (end > text.length() || (end < text.length() && isTokenChar(text.charAt(end)))) continue;
            for (String prefix : format.prefixes()) {
                int start = dot - prefix.length();
                if (start < 0 || !text.startsWith(prefix, start) || (start > 0 && isTokenChar(text.charAt(start - 1)))) continue;
                String candidate = text.substring(start, end);
                if (format.idStart(candidate) >= 0) {
                    out.add(new Found(start, candidate));
                    from = end;
                    break;
                }
            }
        }
    }

    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    @Override
    public String toString() {
        return "TokenPattern" + format.prefixes();
    }
}
