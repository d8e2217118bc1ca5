package dev.pkauth.internal.token;

import org.jspecify.annotations.Nullable;

import dev.pkauth.PkauthException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for provider tokens at rest: {@code pkenc:v2:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>}.
 * The key id (8 characters of the key's SHA-256) picks the key among the current and previous
 * ones, so keys can rotate. The associated data binds a ciphertext to its row's user, provider,
 * account and column, each length-prefixed, so it cannot be moved to another row, another column,
 * or (by changing {@code user_id}) to another user; no choice of ids (NUL included) makes two
 * rows' bindings equal. {@code pkenc:v1:} values (provider, account and column joined by NUL)
 * still read while the table holds any (the store re-seals each as v2 when it reads it), and are
 * refused once it holds none ({@link #refuseLegacy}).
 *
 * <p>With a key configured, a value without a prefix is plaintext that someone wrote behind the
 * store's back: it is refused unless the store was told to read plaintext (a Pylon table).
 */
public final class TokenCipher {
    public static final String PREFIX = "pkenc:v2:";
    /** The legacy format's prefix; {@link #isLegacy} tells it. */
    public static final String PREFIX_V1 = "pkenc:v1:";

    /** What a ciphertext is bound to: the row and column it was written for. */
    public record Binding(String userId, String providerId, String accountId, String column) {
        /** Length-prefixed UTF-8 of each field: unambiguous whatever the fields contain. */
        byte[] v2() {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (String f : new String[] {userId, providerId, accountId, column}) {
                byte[] bytes = f.getBytes(StandardCharsets.UTF_8);
                out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
                out.writeBytes(bytes);
            }
            return out.toByteArray();
        }

        byte[] v1() {
            return (providerId + "\u0000" + accountId + "\u0000" + column).getBytes(StandardCharsets.UTF_8);
        }
    }
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private record Key(String id, SecretKeySpec spec) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final List<Key> keys;
    private final boolean readPlaintext;
    /** Whether {@code pkenc:v1:} values still open: until the table is known to hold none. */
    private volatile boolean acceptLegacy = true;

    /**
     * From now on, refuses {@code pkenc:v1:} values: their associated data lacks the user, so one
     * can be moved to another user's row. Called when the table holds none, so a v1 value seen
     * afterwards was written behind the store's back.
     */
    public void refuseLegacy() {
        acceptLegacy = false;
    }

    /** Whether a stored value is sealed in the legacy {@code pkenc:v1:} format. */
    public static boolean isLegacy(@Nullable String stored) {
        return stored != null && stored.startsWith(PREFIX_V1);
    }

    /**
     * @param keys raw 32-byte keys, the current one first; empty: store and read plaintext only
     * @param readPlaintext with keys, still read values stored without encryption (a Pylon table)
     */
    public TokenCipher(List<byte[]> keys, boolean readPlaintext) {
        this.readPlaintext = readPlaintext;
        List<Key> list = new ArrayList<>();
        for (byte[] k : keys) {
            if (k.length != 32) throw new IllegalArgumentException("an account key must be 32 bytes (256 bits), was " + k.length);
            list.add(new Key(keyId(k), new SecretKeySpec(k.clone(), "AES")));
        }
        this.keys = List.copyOf(list);
    }

    /** A base64 (standard or url-safe) 256-bit key, as in {@code PKAUTH_ACCOUNT_KEY}. */
    public static byte[] parseKey(String base64, String name) {
        byte[] k;
        try {
            String t = base64.strip();
            k = t.contains("-") || t.contains("_") ? Base64.getUrlDecoder().decode(t) : Base64.getDecoder().decode(t);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not valid base64 (make one with: openssl rand -base64 32)");
        }
        if (k.length != 32) {
            throw new IllegalArgumentException(name + " must decode to 32 bytes (256 bits), not " + k.length
                    + " (make one with: openssl rand -base64 32)");
        }
        return k;
    }

    public boolean encrypts() {
        return !keys.isEmpty();
    }

    /** Encrypts under the current key, or returns {@code plain} when no key is configured. */
    public @Nullable String seal(@Nullable String plain, Binding binding) {
        if (plain == null || keys.isEmpty()) return plain;
        Key key = keys.get(0);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(binding.v2());
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + key.id() + ":" + B64.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available on this JVM", e);
        }
    }

    /**
     * Decrypts a sealed value. Plaintext (no prefix) comes back as it is when no key is configured
     * or plaintext reads were allowed, and is refused otherwise.
     */
    public @Nullable String open(@Nullable String stored, Binding binding) {
        if (stored == null) return null;
        boolean v2 = stored.startsWith(PREFIX);
        if (!v2 && !stored.startsWith(PREFIX_V1)) {
            if (keys.isEmpty() || readPlaintext) return stored;
            throw new PkauthException("an account token (" + binding.column() + " of " + binding.providerId()
                    + " account " + binding.accountId() + ") is stored in plaintext although an account key is set: "
                    + "refusing it, since anyone able to write the table could have put it there. Link the account "
                    + "again to encrypt it, or allow plaintext while migrating (AccountStore.Builder.readPlaintextTokens)");
        }
        if (!v2 && !acceptLegacy) {
            throw new PkauthException("an account token (" + binding.column() + " of " + binding.providerId() + " account "
                    + binding.accountId() + ") is sealed as pkenc:v1, which does not bind it to its user, and the table held "
                    + "no such value when this store opened: refusing it, since anyone able to write the table could have "
                    + "put it there. Link the account again");
        }
        int start = v2 ? PREFIX.length() : PREFIX_V1.length();
        int colon = stored.indexOf(':', start);
        if (colon < 0) throw new PkauthException("an encrypted account token is malformed");
        String id = stored.substring(start, colon);
        Key key = keys.stream().filter(k -> k.id().equals(id)).findFirst().orElseThrow(() -> new PkauthException(
                "an account token is encrypted with key " + id + ", which is not configured (set PKAUTH_ACCOUNT_KEY, "
                        + "or keep the old key in PKAUTH_ACCOUNT_KEY_PREVIOUS)"));
        try {
            byte[] all = B64D.decode(stored.substring(colon + 1));
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            c.updateAAD(v2 ? binding.v2() : binding.v1());
            return new String(c.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new PkauthException("an encrypted account token failed authentication (tampered, moved, or wrong key " + id + ")");
        }
    }

    static String keyId(byte[] key) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "TokenCipher" + keys;
    }
}
