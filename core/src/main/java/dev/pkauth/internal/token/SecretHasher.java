package dev.pkauth.internal.token;

import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 of a key's secret under the current pepper and any previous ones.
 *
 * <p>Each thread sets up its own {@link Sha256Hmac} per pepper and its own buffers once (a
 * {@code MessageDigest.getInstance} or {@code Mac.getInstance} costs far more than the HMAC
 * itself), so checking a secret allocates nothing. Comparisons are constant-time over the raw 32 bytes.
 */
public final class SecretHasher {
    private static final HexFormat HEX = HexFormat.of();
    public static final int HASH_BYTES = 32;
    /** Compared against when a key id is unknown, so that path costs what a wrong secret costs. */
    private static final byte[] DECOY = new byte[HASH_BYTES];

    /** What {@link #fingerprint} hashes: a public constant, so a fingerprint says nothing about any key. */
    private static final byte[] FINGERPRINT_INPUT = "pkauth pepper fingerprint v1".getBytes(StandardCharsets.US_ASCII);
    /** Hex characters of a fingerprint: 16 bits, enough to tell a handful of peppers apart, too few to confirm a guess. */
    public static final int FINGERPRINT_CHARS = 4;

    private final List<SecretKeySpec> keys;
    private final List<String> fingerprints;
    private final ThreadLocal<Scratch> scratch;

    /**
     * Per-thread state: one allocation-free HMAC per pepper (set up once, used for hashing new
     * keys and for checking secrets on every request), the secret's bytes, the HMAC output.
     */
    private static final class Scratch {
        final Sha256Hmac[] hmacs;
        final byte[] input = new byte[Tokens.SECRET_CHARS];
        final byte[] output = new byte[HASH_BYTES];

        Scratch(List<SecretKeySpec> keys) {
            hmacs = new Sha256Hmac[keys.size()];
            for (int i = 0; i < hmacs.length; i++) {
                byte[] key = keys.get(i).getEncoded(); // a copy, wiped once the pads are derived
                hmacs[i] = new Sha256Hmac(key);
                java.util.Arrays.fill(key, (byte) 0);
            }
        }
    }

    /** @param peppers the current pepper first, then older ones; none empty. */
    public SecretHasher(List<String> peppers) {
        if (peppers.isEmpty()) throw new IllegalArgumentException("at least one pepper is required");
        this.keys = peppers.stream().map(p -> new SecretKeySpec(p.getBytes(StandardCharsets.UTF_8), "HmacSHA256")).toList();
        this.fingerprints = keys.stream().map(SecretHasher::fingerprint).toList();
        new Scratch(keys); // fail now, not on the first request, if the platform lacks SHA-256
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(keys));
    }

    /** Lowercase hex HMAC-SHA256 of {@code secret} under the current pepper. */
    public String hash(String secret) {
        Scratch s = scratch.get();
        s.hmacs[0].compute(secret.getBytes(StandardCharsets.US_ASCII), s.output);
        return HEX.formatHex(s.output);
    }

    /**
     * The fingerprint of a pepper, stored beside each hash ({@code pepper_id}) so that a key
     * hashed under a pepper this process lacks can be named as such: the first
     * {@value #FINGERPRINT_CHARS} hex characters of HMAC-SHA256(pepper, a public constant).
     *
     * <p>It gives an attacker holding the table nothing a key of their own does not: one such key
     * and its row already let them test pepper guesses offline, and 16 bits confirm a guess only
     * to one in 65,536, against a pepper that must be random and at least 32 bytes when required.
     * It reveals nothing about any secret, since no secret enters it.
     */
    public static String fingerprint(String pepper) {
        return fingerprint(new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    private static String fingerprint(SecretKeySpec key) {
        return HEX.formatHex(newMac(key).doFinal(FINGERPRINT_INPUT)).substring(0, FINGERPRINT_CHARS);
    }

    /** The fingerprint of the current pepper, written with every hash made under it. */
    public String currentFingerprint() {
        return fingerprints.get(0);
    }

    /** The fingerprints of this hasher's peppers, current first: what logs name instead of the peppers. */
    public List<String> fingerprints() {
        return fingerprints;
    }

    /** Whether a stored fingerprint is of a pepper this hasher has; {@code null} (not recorded) is unknown, not foreign. */
    public boolean knows(@Nullable String fingerprint) {
        return fingerprint == null || fingerprints.contains(fingerprint);
    }

    /** Which pepper a secret matched under. */
    public enum Match {
        CURRENT, PREVIOUS, NONE,
        /** No match, and the row records a pepper this process does not have: the secret could not be checked. */
        FOREIGN_PEPPER
    }

    /**
     * {@link #check(CharSequence, int, byte[])}, told the stored row's fingerprint: a miss on a row
     * hashed under a pepper this process lacks is {@link Match#FOREIGN_PEPPER}. The work done is the
     * same whatever the fingerprint says, so the row's fingerprint never shows in the timing.
     */
    public Match check(CharSequence token, int from, byte @Nullable [] expected, @Nullable String fingerprint) {
        Match m = check(token, from, expected);
        return m == Match.NONE && expected != null && !knows(fingerprint) ? Match.FOREIGN_PEPPER : m;
    }

    /**
     * Checks the secret at {@code token[from, from + 43)} against a stored hash (raw bytes from
     * {@link #decode}), current pepper first. Every pepper is tried even after a match, so the
     * time taken does not depend on which matched; a {@code null} {@code expected} (unknown key or
     * unreadable hash) costs the same and never matches.
     */
    public Match check(CharSequence token, int from, byte @Nullable [] expected) {
        Scratch s = scratch.get();
        return matchAny(s, copySecret(token, from, s.input), expected);
    }

    /**
     * The 43 characters at {@code token[from…]} into {@code into}, one byte each: the caller has
     * checked they are base64url, so each is its own low byte.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) keeps each char's low byte: what ASCII needs
    private static byte[] copySecret(CharSequence token, int from, byte[] into) {
        if (token instanceof String s) {
            s.getBytes(from, from + into.length, into, 0); // a block copy, where a charAt loop copies one by one
        } else {
            for (int i = 0; i < into.length; i++) into[i] = (byte) token.charAt(from + i);
        }
        return into;
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * Constant-time equality of two 32-byte hashes: every byte is compared, nothing branches on
     * them. {@code MessageDigest.isEqual} is constant-time too, but goes byte by byte for any
     * length; four 8-byte words are what a 32-byte hash needs, on a path every request takes.
     */
    static boolean equal(byte[] a, byte[] b) {
        long diff = 0;
        for (int i = 0; i < HASH_BYTES; i += Long.BYTES) diff |= (long) LONGS.get(a, i) ^ (long) LONGS.get(b, i);
        return diff == 0;
    }

    /**
     * As {@link #check(CharSequence, int, byte[])} for a legacy token, whose HMAC covers the whole
     * token ({@link #hash} of it) rather than 43 characters of it.
     */
    public Match checkWhole(String token, byte @Nullable [] expected) {
        return matchAny(scratch.get(), token.getBytes(StandardCharsets.US_ASCII), expected);
    }

    /** {@code input}'s HMAC under every pepper against {@code expected} (or the decoy), all of them whatever matches. */
    private static Match matchAny(Scratch s, byte[] input, byte @Nullable [] expected) {
        byte[] against = expected != null ? expected : DECOY;
        boolean usable = against != DECOY;
        Match result = Match.NONE;
        for (int i = 0; i < s.hmacs.length; i++) {
            s.hmacs[i].compute(input, s.output);
            boolean equal = equal(s.output, against);
            if (equal && usable && result == Match.NONE) result = i == 0 ? Match.CURRENT : Match.PREVIOUS;
        }
        return result;
    }

    /**
     * What a cached key remembers of a secret already shown, on this process, to match its stored
     * HMAC under the current pepper: the SHA-256 of the secret's 43 characters. A later request with
     * the same key then costs one SHA-256 compression (the secret fits one block) instead of the
     * HMAC's four under every pepper held.
     *
     * <p>It is kept in memory only, beside the row and the pepper the HMAC needs, which a reader of
     * this process's memory already has: it gives them nothing the HMAC does not (the secret is 256
     * random bits, so neither can be reversed). It is never logged or shown; {@link #toString} says
     * only whether it is set. It lives and dies with the cached row it belongs to, so a revocation,
     * a re-hash or any other change to the row (which replaces the cached row) forgets it.
     */
    public static final class Proof {
        private final byte[] digest = new byte[HASH_BYTES];
        /** Written after {@link #digest}: a reader that sees it set sees the digest whole. */
        private volatile boolean set;

        @Override
        public String toString() {
            return set ? "Proof[set]" : "Proof[unset]";
        }
    }

    /**
     * Whether the secret at {@code token[from, from + 43)} is the one {@code proof} remembers. The
     * SHA-256 is computed and compared in constant time whether or not there is a proof to compare
     * with, so that every verification that goes on to the HMAC has spent the same on this step.
     */
    public boolean proves(CharSequence token, int from, @Nullable Proof proof) {
        byte[] against = proof != null && proof.set ? proof.digest : DECOY;
        return equal(secretDigest(token, from), against) && against != DECOY;
    }

    /**
     * Remembers the secret at {@code token[from, from + 43)} in {@code proof}: to be called only once
     * {@link #check} said {@link Match#CURRENT} for it against the row {@code proof} belongs to.
     * Threads that remember the same key at once write the same bytes.
     */
    public void remember(CharSequence token, int from, Proof proof) {
        if (proof.set) return;
        // Copied in whole from this thread's buffer: the proof's bytes are only ever the final digest.
        System.arraycopy(secretDigest(token, from), 0, proof.digest, 0, HASH_BYTES);
        proof.set = true;
    }

    /** The plain SHA-256 of the secret's 43 characters, in {@link Sha256Digest}'s per-thread buffer. */
    private byte[] secretDigest(CharSequence token, int from) {
        return Sha256Digest.of(copySecret(token, from, scratch.get().input));
    }

    /** The raw bytes of a stored hex hash (either case), or {@code null} when it is not one. */
    public static byte @Nullable [] decode(@Nullable String hex) {
        if (hex == null || hex.length() != HASH_BYTES * 2) return null;
        try {
            return HEX.parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A ready {@code HmacSHA256} under {@code key}: made once per thread and key by its users, never per call. */
    static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available on this JVM", e);
        }
    }
}
