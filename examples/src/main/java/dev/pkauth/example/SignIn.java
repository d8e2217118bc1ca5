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

    /** Adds a user; returns the stored form of the password, {@code pbkdf2-sha256$<iterations>$<salt>$<hash>}. */
    String add(String user, String password) {
        byte[][] h = hash(password, salt());
        users.put(user, h);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "pbkdf2-sha256$" + ITERATIONS + "$" + b64.encodeToString(h[0]) + "$" + b64.encodeToString(h[1]);
    }

    /** Adds a user by the stored form {@link #add} returned; false when it is not one. */
    boolean addStored(String user, String stored) {
        String[] parts = stored.split("\\$");
        if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256") || !parts[1].equals(Integer.toString(ITERATIONS))) return false;
        try {
            users.put(user, new byte[][] {Base64.getDecoder().decode(parts[2]), Base64.getDecoder().decode(parts[3])});
            return true;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
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
