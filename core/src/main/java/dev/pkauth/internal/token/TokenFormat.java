package dev.pkauth.internal.token;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A deployment's tokens: {@code <prefix>.key_<32>.<43>}, with the current prefix (default
 * {@code pk}) and any earlier ones still accepted, and the public checksum scanners use.
 *
 * <p>The checksum: the secret's 43 characters decode to 32 bytes; in keys minted by this version
 * the last 4 are the big-endian CRC-32 (IEEE) of the ASCII token text up to and including the
 * second {@code .}, followed by the first 28 secret bytes. Random text of the same shape passes
 * with probability 2<sup>-32</sup>, a mistyped token almost never. Older keys (and Pylon's) have
 * no checksum and still verify: the checksum is a statement about new keys, checked by
 * {@link #hasChecksum}, never a condition of the shape.
 *
 * <p>Parsing is a fixed-layout check (length, literal prefix, separators, alphabet), not a regex:
 * it runs on every request and on attacker-controlled input.
 */
public final class TokenFormat {
    /** The default prefix, Pylon's, as the option table declares it. */
    public static final String DEFAULT_PREFIX = Tokens.DEFAULT_PREFIX;
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{1,15}");
    /** Secret bytes that are random in a checksummed key; the remaining 4 are the CRC. */
    static final int RANDOM_SECRET_BYTES = Tokens.SECRET_RANDOM_BYTES - 4;
    /** {@code .key_} + 9 id characters: what the display prefix adds to the token prefix. */
    private static final int DISPLAY_AFTER_PREFIX = 14;

    /** The default deployment: prefix {@code pk}, nothing earlier. */
    public static final TokenFormat DEFAULT = new TokenFormat(DEFAULT_PREFIX, List.of());

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final CRC32 crc = new CRC32();
        final byte[] ascii = new byte[17 + Tokens.ID_CHARS + 1];
        final byte[] secret = new byte[Tokens.SECRET_RANDOM_BYTES];
    }

    private final String current;
    /** Current first. */
    private final List<String> prefixes;

    /**
     * @param current the prefix new keys get
     * @param previous earlier prefixes whose keys still verify
     * @throws IllegalArgumentException for a prefix outside 2–16 characters {@code [a-z][a-z0-9]*}
     */
    public TokenFormat(String current, List<String> previous) {
        this.current = checkPrefix(current);
        List<String> all = new ArrayList<>();
        all.add(current);
        for (String p : previous) if (!all.contains(checkPrefix(p))) all.add(p);
        this.prefixes = List.copyOf(all);
    }

    /**
     * Checks a prefix: 2–16 characters, a lower-case letter then lower-case letters and digits.
     *
     * @param prefix the prefix
     * @return the prefix
     */
    public static String checkPrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a token prefix is 2 to 16 characters: a lower-case letter, then lower-case "
                    + "letters and digits (e.g. acme)");
        }
        return prefix;
    }

    /** The prefix new keys get. */
    public String currentPrefix() {
        return current;
    }

    /** Every prefix that verifies, current first. */
    public List<String> prefixes() {
        return prefixes;
    }

    /**
     * The regular expression of this deployment's tokens (of every accepted prefix), as a
     * scanner would register it: {@code <prefix>\.key_[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43}}.
     */
    public String scannerRegex() {
        String p = prefixes.size() == 1 ? prefixes.get(0) : "(?:" + String.join("|", prefixes) + ")";
        return p + "\\.key_[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]{43}";
    }

    /**
     * Where the id starts in {@code token} (after {@code <prefix>.}), or -1 when the token is not
     * exactly {@code <prefix>.key_<32>.<43>} for one of this deployment's prefixes.
     */
    public int idStart(CharSequence token) {
        if (token == null) return -1;
        for (int p = 0; p < prefixes.size(); p++) {
            String prefix = prefixes.get(p);
            int start = prefix.length() + 1;
            if (token.length() != start + Tokens.ID_CHARS + 1 + Tokens.SECRET_CHARS) continue;
            if (!regionEquals(token, 0, prefix) || token.charAt(prefix.length()) != '.') continue;
            return Tokens.isShapeAt(token, start) ? start : -1;
        }
        return -1;
    }

    /** The display prefix of a token whose id starts at {@code idStart}: {@code <prefix>.key_} and 9 id characters. */
    public static String displayPrefix(CharSequence token, int idStart) {
        return token.subSequence(0, idStart - 1 + DISPLAY_AFTER_PREFIX).toString();
    }

    /**
     * Whether the well-formed token whose id starts at {@code idStart} carries a valid checksum.
     * Allocates nothing.
     */
    public static boolean hasChecksum(CharSequence token, int idStart) {
        Scratch s = SCRATCH.get();
        int secretStart = idStart + Tokens.ID_CHARS + 1;
        if (!decodeSecret(token, secretStart, s.secret)) return false;
        CRC32 crc = s.crc;
        crc.reset();
        for (int i = 0; i < secretStart; i++) s.ascii[i] = (byte) token.charAt(i);
        crc.update(s.ascii, 0, secretStart);
        crc.update(s.secret, 0, RANDOM_SECRET_BYTES);
        long value = crc.getValue();
        int stored = ((s.secret[28] & 0xff) << 24) | ((s.secret[29] & 0xff) << 16) | ((s.secret[30] & 0xff) << 8) | (s.secret[31] & 0xff);
        return (value & 0xffffffffL) == (stored & 0xffffffffL);
    }

    /**
     * A new key under the current prefix: its id from {@code ids} (tagged when it can), its secret
     * 28 random bytes and the checksum.
     */
    public Tokens.Minted mint(IdTags ids) {
        byte[] secret = new byte[Tokens.SECRET_RANDOM_BYTES];
        RANDOM.nextBytes(secret);
        return withChecksum(ids.newId(RANDOM), secret);
    }

    /** The key of this id and these random secret bytes (the last 4 are overwritten by the checksum). */
    Tokens.Minted withChecksum(String id, byte[] secret) {
        String head = current + "." + id + ".";
        CRC32 crc = new CRC32();
        crc.update(head.getBytes(StandardCharsets.US_ASCII));
        crc.update(secret, 0, RANDOM_SECRET_BYTES);
        long v = crc.getValue();
        secret[28] = (byte) (v >>> 24);
        secret[29] = (byte) (v >>> 16);
        secret[30] = (byte) (v >>> 8);
        secret[31] = (byte) v;
        return new Tokens.Minted(current, id, ENCODER.encodeToString(secret));
    }

    /** Decodes 43 base64url characters into 32 bytes; false when a character is outside the alphabet or the last one is not canonical. */
    private static boolean decodeSecret(CharSequence token, int from, byte[] out) {
        // 40 characters: ten groups of four into three bytes each.
        if (!Tokens.decodeGroups(token, from, 10, out)) return false;
        // The last three characters carry 16 bits and two zero bits.
        int a = Tokens.base64UrlValue(token.charAt(from + 40));
        int b = Tokens.base64UrlValue(token.charAt(from + 41));
        int c = Tokens.base64UrlValue(token.charAt(from + 42));
        if ((a | b | c) < 0 || (c & 3) != 0) return false;
        int bits = (a << 12) | (b << 6) | c;
        out[30] = (byte) (bits >> 10);
        out[31] = (byte) (bits >> 2);
        return true;
    }

    private static boolean regionEquals(CharSequence s, int from, String literal) {
        if (s.length() < from + literal.length()) return false;
        for (int i = 0; i < literal.length(); i++) if (s.charAt(from + i) != literal.charAt(i)) return false;
        return true;
    }

    @Override
    public String toString() {
        return "TokenFormat" + prefixes;
    }
}
