package dev.pkauth.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of a key's secret under the current pepper and any previous ones.
 *
 * <p>Each thread keeps its own {@code Mac} per pepper and its own buffers (a
 * {@code Mac.getInstance} costs far more than the HMAC itself), so checking a secret allocates
 * nothing. Comparisons are constant-time over the raw 32 bytes.
 */
public final class SecretHasher {
    private static final HexFormat HEX = HexFormat.of();
    public static final int HASH_BYTES = 32;
    /** Compared against when a key id is unknown, so that path costs what a wrong secret costs. */
    private static final byte[] DECOY = new byte[HASH_BYTES];

    private final List<SecretKeySpec> keys;
    private final ThreadLocal<Scratch> scratch;

    /** Per-thread state: one Mac per pepper, the secret's bytes, the HMAC output. */
    private static final class Scratch {
        final Mac[] macs;
        final byte[] input = new byte[Tokens.SECRET_CHARS];
        final byte[] output = new byte[HASH_BYTES];

        Scratch(List<SecretKeySpec> keys) {
            macs = new Mac[keys.size()];
            for (int i = 0; i < macs.length; i++) macs[i] = newMac(keys.get(i));
        }
    }

    /** @param peppers the current pepper first, then older ones; none empty. */
    public SecretHasher(List<String> peppers) {
        if (peppers.isEmpty()) throw new IllegalArgumentException("at least one pepper is required");
        this.keys = peppers.stream().map(p -> new SecretKeySpec(p.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).toList();
        new Scratch(keys); // fail now, not on the first request, if the platform lacks HmacSHA256
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(keys));
    }

    /** Lowercase hex HMAC-SHA256 of {@code secret} under the current pepper. */
    public String hash(String secret) {
        Scratch s = scratch.get();
        return HEX.formatHex(s.macs[0].doFinal(secret.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Which pepper a secret matched under. */
    public enum Match { CURRENT, PREVIOUS, NONE }

    /**
     * Checks the secret at {@code token[from, from + 43)} against a stored hash (raw bytes from
     * {@link #decode}), current pepper first. Every pepper is tried even after a match, so the
     * time taken does not depend on which matched; a {@code null} {@code expected} (unknown key or
     * unreadable hash) costs the same and never matches.
     */
    public Match check(CharSequence token, int from, byte[] expected) {
        Scratch s = scratch.get();
        byte[] input = s.input;
        for (int i = 0; i < input.length; i++) input[i] = (byte) token.charAt(from + i);
        boolean usable = expected != null;
        byte[] against = usable ? expected : DECOY;
        Match result = Match.NONE;
        for (int i = 0; i < s.macs.length; i++) {
            Mac mac = s.macs[i];
            mac.update(input);
            try {
                mac.doFinal(s.output, 0);
            } catch (ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            boolean equal = MessageDigest.isEqual(s.output, against);
            if (equal && usable && result == Match.NONE) result = i == 0 ? Match.CURRENT : Match.PREVIOUS;
        }
        return result;
    }

    /** The raw bytes of a stored hex hash (either case), or {@code null} when it is not one. */
    public static byte[] decode(String hex) {
        if (hex == null || hex.length() != HASH_BYTES * 2) return null;
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available on this JVM", e);
        }
    }
}
