package dev.pkauth.testing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * Tokens tests need: the right key with a wrong secret that still carries a valid checksum, so
 * that it reaches the secret's check (a token whose checksum fails is refused as malformed before
 * that). Written from the contract's words (CRC-32 of the text up to the second dot and the first
 * 28 secret bytes), not from pkauth's code.
 */
public final class TestTokens {
    private TestTokens() {}

    /** {@code token} with another secret, checksum valid: the key's id, the wrong secret. */
    public static String wrongSecret(String token) {
        int dot = token.lastIndexOf('.');
        byte[] secret = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        secret[0] ^= 1;
        return withChecksum(token.substring(0, dot + 1), secret);
    }

    /** {@code head} ({@code <prefix>.key_….}) and {@code secret}'s first 28 bytes, with the checksum in its last 4. */
    public static String withChecksum(String head, byte[] secret) {
        CRC32 crc = new CRC32();
        crc.update(head.getBytes(StandardCharsets.US_ASCII));
        crc.update(secret, 0, 28);
        long v = crc.getValue();
        secret[28] = (byte) (v >>> 24);
        secret[29] = (byte) (v >>> 16);
        secret[30] = (byte) (v >>> 8);
        secret[31] = (byte) v;
        return head + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
