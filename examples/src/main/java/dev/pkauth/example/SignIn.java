package dev.pkauth.example;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The example's own user accounts, standing in for whatever sign-in a host application has: one
 * demo user whose password is printed at start. Passwords are held only as PBKDF2-SHA256 hashes
 * (the JDK's, so the example adds no dependency for a demo), compared in constant time.
 */
final class SignIn {
    static final int ITERATIONS = 210_000; // OWASP's 2023 figure for PBKDF2-HMAC-SHA256
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, byte[][]> users = new ConcurrentHashMap<>();
    /** Compared against when the user is unknown, so a wrong name costs what a wrong password does. */
    private final byte[][] decoy = hash("decoy-" + System.nanoTime(), salt());

    /** A random password a person can type: 18 base64url characters (108 bits). */
    static String newPassword() {
        byte[] b = new byte[14];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b).substring(0, 18);
    }

    void add(String user, String password) {
        users.put(user, hash(password, salt()));
    }

    boolean check(String user, String password) {
        byte[][] stored = users.getOrDefault(user, decoy);
        boolean same = MessageDigest.isEqual(hash(password, stored[0])[1], stored[1]);
        return same && stored != decoy;
    }

    private static byte[] salt() {
        byte[] s = new byte[16];
        RANDOM.nextBytes(s);
        return s;
    }

    private static byte[][] hash(String password, byte[] salt) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, ITERATIONS, 256);
            byte[] h = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            spec.clearPassword();
            return new byte[][] {salt, h};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks PBKDF2WithHmacSHA256", e);
        }
    }
}
