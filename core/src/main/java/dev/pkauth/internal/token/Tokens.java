package dev.pkauth.internal.token;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The {@code pk.key_<32>.<43>} token format: minting and strict, allocation-light parsing.
 *
 * <p>Parsing is a fixed-layout check (length, literal prefix, separator, alphabet) rather than a
 * regex: it runs on every request and on attacker-controlled input.
 */
public final class Tokens {
    public static final String TOKEN_PREFIX = "pk.";
    public static final String ID_PREFIX = "key_";
    public static final int ID_RANDOM_BYTES = 24;
    public static final int SECRET_RANDOM_BYTES = 32;
    /** base64url characters of the id body (24 bytes, no padding). */
    public static final int ID_BODY_CHARS = 32;
    /** base64url characters of the secret (32 bytes, no padding). */
    public static final int SECRET_CHARS = 43;
    /** {@code key_} plus the id body. */
    public static final int ID_CHARS = ID_PREFIX.length() + ID_BODY_CHARS;
    /** {@code pk.} + id + {@code .} + secret = 83. */
    public static final int TOKEN_CHARS = TOKEN_PREFIX.length() + ID_CHARS + 1 + SECRET_CHARS;
    /** Characters of the token that are safe to show: {@code pk.key_} plus 9 id characters. */
    public static final int DISPLAY_PREFIX_CHARS = 16;

    private static final int ID_START = TOKEN_PREFIX.length();
    private static final int DOT = ID_START + ID_CHARS;
    /** Where the secret starts in a well-formed token. */
    public static final int SECRET_START = DOT + 1;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Each base64url character's 6-bit value, -1 for every other ASCII character: the one alphabet of the package. */
    private static final byte[] BASE64URL = new byte[128];

    static {
        java.util.Arrays.fill(BASE64URL, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) BASE64URL[alphabet.charAt(i)] = (byte) i;
    }

    /** The default prefix, Pylon's, as the option table declares it. */
    public static final String DEFAULT_PREFIX = java.util.Objects.requireNonNull(
            dev.pkauth.Settings.option(dev.pkauth.Settings.TOKEN_PREFIX).defaultValue());

    private Tokens() {}

    /** A freshly minted token's parts. {@link #toString()} never shows the secret. */
    public record Minted(String tokenPrefix, String id, String secret) {
        /** A key under the default prefix {@code pk}. */
        public Minted(String id, String secret) {
            this(DEFAULT_PREFIX, id, secret);
        }

        public String token() {
            return tokenPrefix + '.' + id + '.' + secret;
        }

        /** The display prefix: the token prefix, {@code .key_} and 9 id characters. */
        public String prefix() {
            return token().substring(0, tokenPrefix.length() + DISPLAY_PREFIX_CHARS - TOKEN_PREFIX.length() + 1);
        }

        @Override
        public String toString() {
            return "Minted[prefix=" + tokenPrefix + ", id=" + id + ", secret=<redacted>]";
        }
    }

    public static Minted mint() {
        byte[] id = new byte[ID_RANDOM_BYTES];
        byte[] secret = new byte[SECRET_RANDOM_BYTES];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        return of(id, secret);
    }

    /** The key made of these random bytes ({@value #ID_RANDOM_BYTES} and {@value #SECRET_RANDOM_BYTES}): what {@link #mint} encodes. */
    static Minted of(byte[] id, byte[] secret) {
        return new Minted(ID_PREFIX + ENCODER.encodeToString(id), ENCODER.encodeToString(secret));
    }

    /** True when {@code token} has exactly the minted shape; nothing else may reach a backend. */
    public static boolean isWellFormed(CharSequence token) {
        if (token == null || token.length() != TOKEN_CHARS) return false;
        for (int i = 0; i < ID_START; i++) {
            if (token.charAt(i) != TOKEN_PREFIX.charAt(i)) return false;
        }
        for (int i = 0; i < ID_PREFIX.length(); i++) {
            if (token.charAt(ID_START + i) != ID_PREFIX.charAt(i)) return false;
        }
        if (token.charAt(DOT) != '.') return false;
        return isBase64Url(token, ID_START + ID_PREFIX.length(), DOT)
                && isBase64Url(token, SECRET_START, TOKEN_CHARS);
    }

    /**
     * Whether {@code token} holds, from {@code start} to its end, exactly {@code key_<32>.<43>}
     * (base64url): the shape after any prefix.
     */
    static boolean isShapeAt(CharSequence token, int start) {
        if (token.length() != start + ID_CHARS + 1 + SECRET_CHARS) return false;
        for (int i = 0; i < ID_PREFIX.length(); i++) {
            if (token.charAt(start + i) != ID_PREFIX.charAt(i)) return false;
        }
        int dot = start + ID_CHARS;
        return token.charAt(dot) == '.' && isBase64Url(token, start + ID_PREFIX.length(), dot)
                && isBase64Url(token, dot + 1, token.length());
    }

    /** The {@code key_…} id of a well-formed token. */
    public static String idOf(String wellFormedToken) {
        return wellFormedToken.substring(ID_START, DOT);
    }

    /** The 43-character secret of a well-formed token. */
    public static String secretOf(String wellFormedToken) {
        return wellFormedToken.substring(SECRET_START);
    }

    /** The display prefix of a well-formed token, or of a key id. */
    public static String prefixOfId(String id) {
        return TOKEN_PREFIX + id.substring(0, DISPLAY_PREFIX_CHARS - TOKEN_PREFIX.length());
    }

    /** True when {@code id} is {@code key_} plus 32 base64url characters. */
    public static boolean isWellFormedId(CharSequence id) {
        if (id == null || id.length() != ID_CHARS) return false;
        for (int i = 0; i < ID_PREFIX.length(); i++) {
            if (id.charAt(i) != ID_PREFIX.charAt(i)) return false;
        }
        return isBase64Url(id, ID_PREFIX.length(), ID_CHARS);
    }

    private static boolean isBase64Url(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (base64UrlValue(s.charAt(i)) < 0) return false;
        }
        return true;
    }

    /** The 6-bit value of a base64url character, or -1. */
    static int base64UrlValue(char c) {
        return c < 128 ? BASE64URL[c] : -1;
    }

    /**
     * Decodes {@code groups} groups of four base64url characters from {@code s[from…]} into three
     * bytes each at {@code out[0…]}; false on a character outside the alphabet. Allocates nothing.
     */
    static boolean decodeGroups(CharSequence s, int from, int groups, byte[] out) {
        int o = 0;
        for (int g = 0, i = from; g < groups; g++, i += 4) {
            int a = base64UrlValue(s.charAt(i));
            int b = base64UrlValue(s.charAt(i + 1));
            int c = base64UrlValue(s.charAt(i + 2));
            int d = base64UrlValue(s.charAt(i + 3));
            if ((a | b | c | d) < 0) return false;
            int bits = (a << 18) | (b << 12) | (c << 6) | d;
            out[o++] = (byte) (bits >> 16);
            out[o++] = (byte) (bits >> 8);
            out[o++] = (byte) bits;
        }
        return true;
    }
}
