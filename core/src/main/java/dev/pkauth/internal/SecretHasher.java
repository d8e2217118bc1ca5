package dev.pkauth.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of a key's secret under the current pepper and any previous ones.
 *
 * <p>{@code Mac} instances are made once per thread and pepper (a {@code Mac.getInstance} costs
 * far more than the HMAC itself). Comparisons are constant-time over the raw 32 bytes.
 */
public final class SecretHasher {
    private static final HexFormat HEX = HexFormat.of();
    private static final int HASH_BYTES = 32;
    /** Compared against when a key id is unknown, so that path costs what a wrong secret costs. */
    private static final byte[] DECOY = new byte[HASH_BYTES];

    private final List<ThreadLocal<Mac>> macs;

    /** @param peppers the current pepper first, then older ones; none empty. */
    public SecretHasher(List<String> peppers) {
        if (peppers.isEmpty()) throw new IllegalArgumentException("at least one pepper is required");
        this.macs = peppers.stream().map(SecretHasher::macFor).toList();
    }

    /** Lowercase hex HMAC-SHA256 of {@code secret} under the current pepper. */
    public String hash(String secret) {
        return HEX.formatHex(mac(0, secret));
    }

    /** Which pepper {@code secret} matches {@code storedHex} under. */
    public enum Match { CURRENT, PREVIOUS, NONE }

    /**
     * Checks {@code secret} against a stored hex hash, current pepper first. Every pepper is tried
     * even after a match, so the time taken does not depend on which pepper matched.
     * A {@code null} {@code storedHex} (unknown key) costs the same and never matches.
     */
    public Match check(String secret, String storedHex) {
        byte[] expected = decode(storedHex);
        boolean usable = expected != null;
        if (!usable) expected = DECOY;
        Match result = Match.NONE;
        for (int i = 0; i < macs.size(); i++) {
            boolean equal = MessageDigest.isEqual(mac(i, secret), expected);
            if (equal && usable && result == Match.NONE) result = i == 0 ? Match.CURRENT : Match.PREVIOUS;
        }
        return result;
    }

    private byte[] mac(int pepperIndex, String secret) {
        return macs.get(pepperIndex).get().doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] decode(String hex) {
        if (hex == null || hex.length() != HASH_BYTES * 2) return null;
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ThreadLocal<Mac> macFor(String pepper) {
        SecretKeySpec key = new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        // Fail now, not on the first request, if the platform lacks HmacSHA256.
        newMac(key);
        return ThreadLocal.withInitial(() -> newMac(key));
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
