package dev.pkauth.internal.token;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 with one {@code MessageDigest} and its buffers per thread: refusals, legacy tokens and
 * idempotency keys hash on request paths, and a {@code getInstance} per call allocates more than
 * the rest of such a request. (The HMAC has its own per-thread state, {@link Sha256Hmac}.)
 */
public final class Sha256Digest {
    private Sha256Digest() {}

    /** Input longer than this is hashed from a fresh array: tokens and most request bodies fit. */
    private static final int BUFFER = 1024;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        final MessageDigest digest;
        final byte[] input = new byte[BUFFER];
        final byte[] output = new byte[32];

        Scratch() {
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is not available on this JVM", e);
            }
        }
    }

    /**
     * SHA-256 of an ASCII text (a token: every character already checked to be ASCII), into this
     * thread's buffer: valid until the thread's next call here, never to be kept.
     */
    public static byte[] ofAscii(CharSequence ascii) {
        Scratch s = SCRATCH.get();
        int n = ascii.length();
        byte[] in = n <= s.input.length ? s.input : new byte[n];
        for (int i = 0; i < n; i++) in[i] = (byte) ascii.charAt(i);
        return finish(s, in, n);
    }

    /** SHA-256 of {@code bytes}, into this thread's buffer (as {@link #ofAscii}). */
    public static byte[] of(byte[] bytes) {
        return finish(SCRATCH.get(), bytes, bytes.length);
    }

    /** Lowercase hex SHA-256 of {@code text} in UTF-8. */
    public static String hexOfUtf8(String text) {
        return HexFormat.of().formatHex(of(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] finish(Scratch s, byte[] in, int n) {
        s.digest.update(in, 0, n);
        try {
            s.digest.digest(s.output, 0, s.output.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return s.output;
    }
}
