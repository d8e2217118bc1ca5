package dev.pkauth.internal.token;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 (RFC 2104) into a caller's buffer, allocating nothing: one per thread and key.
 *
 * <p>Written here, over the JDK's {@code MessageDigest}, because {@code javax.crypto.Mac} allocates
 * on every call even through {@code doFinal(byte[], int)} (it computes into a new array and copies
 * it out), and verification runs on every request. The construction is the RFC's:
 * {@code H((K ^ opad) || H((K ^ ipad) || m))}, a key longer than the block hashed first;
 * {@code Sha256HmacTest} checks it against {@code Mac} on random keys and messages.
 */
final class Sha256Hmac {
    private static final int BLOCK = 64;
    static final int LENGTH = 32;

    private final MessageDigest sha256;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];

    Sha256Hmac(byte[] key) {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available on this JVM", e);
        }
        byte[] k = key.length > BLOCK ? sha256.digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
        if (k != key) Arrays.fill(k, (byte) 0);
    }

    /** Writes HMAC-SHA256(key, {@code message}) into {@code out[0, 32)}. */
    void compute(byte[] message, byte[] out) {
        try {
            sha256.reset();
            sha256.update(innerPad);
            sha256.update(message);
            sha256.digest(out, 0, LENGTH);
            sha256.update(outerPad);
            sha256.update(out, 0, LENGTH);
            sha256.digest(out, 0, LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
