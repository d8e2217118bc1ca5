package dev.pkauth.internal.token;

import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Self-authenticating key ids, so that a guessed or forged id is refused without a database
 * lookup, however many addresses send them.
 *
 * <p>A tagged id's 24 bytes are 16 random bytes and an 8-byte tag: the first 8 bytes of
 * HMAC-SHA256(tag key, {@code "pkauth id v1"} ‖ the 16 random bytes). A forger without the tag key
 * hits a valid tag once in 2<sup>64</sup> tries. The id keeps the contract's shape ({@code key_}
 * plus 32 base64url characters), so Pylon and every reader of the table see an ordinary id.
 *
 * <p>The tag key is random, made once per table and kept in the database beside it (the store's
 * {@code <table>_meta}), not derived from the pepper: a pepper rotation would otherwise orphan
 * every id minted before it, and an id can never change (it is the primary key and part of the
 * token). Anyone who can read the table can read every id anyway, so keeping the tag key there
 * gives them nothing; it guards only against guessers. No secret depends on it: the secret's
 * HMAC is unchanged.
 */
public final class IdTags {
    /** Bytes of the tag key. */
    public static final int KEY_BYTES = 32;
    private static final int RANDOM_BYTES = 16;
    private static final int TAG_BYTES = Tokens.ID_RANDOM_BYTES - RANDOM_BYTES;
    private static final byte[] DOMAIN = "pkauth id v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** Ids without tags: a store whose tag key could not be read or made mints ids of 24 random bytes. */
    public static final IdTags NONE = new IdTags(null);

    /** {@code null} without a key. */
    private final @Nullable ThreadLocal<Scratch> scratch;

    private static final class Scratch {
        final Mac mac;
        final byte[] id = new byte[Tokens.ID_RANDOM_BYTES];
        final byte[] out = new byte[32];

        Scratch(SecretKeySpec key) {
            mac = SecretHasher.newMac(key);
        }
    }

    private IdTags(byte @Nullable [] key) {
        if (key == null) {
            this.scratch = null;
        } else {
            SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
            this.scratch = ThreadLocal.withInitial(() -> new Scratch(spec));
        }
    }

    /** A new random tag key, as text for the database. */
    public static String newKeyText() {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return ENCODER.encodeToString(k);
    }

    /** The tagger of a key read back from the database, or {@link #NONE} when the text is not one. */
    public static IdTags fromText(@Nullable String text) {
        if (text == null) return NONE;
        try {
            byte[] k = DECODER.decode(text);
            return k.length == KEY_BYTES ? new IdTags(k) : NONE;
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    /** Whether ids are tagged: false when the store has no tag key. */
    public boolean enabled() {
        return scratch != null;
    }

    /** A new id: {@code key_} and 24 bytes, tagged when this has a key. */
    String newId(SecureRandom random) {
        byte[] id = new byte[Tokens.ID_RANDOM_BYTES];
        ThreadLocal<Scratch> sc = scratch;
        if (sc == null) {
            random.nextBytes(id);
        } else {
            byte[] r = new byte[RANDOM_BYTES];
            random.nextBytes(r);
            System.arraycopy(r, 0, id, 0, RANDOM_BYTES);
            Scratch s = sc.get();
            tag(s, r);
            System.arraycopy(s.out, 0, id, RANDOM_BYTES, TAG_BYTES);
        }
        return Tokens.ID_PREFIX + ENCODER.encodeToString(id);
    }

    /**
     * Whether the id at {@code token[from, from + 36)} ({@code key_…}, well formed) carries this
     * key's tag; always false without a key. Constant time in the tag; allocates nothing.
     */
    public boolean isTagged(CharSequence token, int from) {
        ThreadLocal<Scratch> sc = scratch;
        if (sc == null) return false;
        Scratch s = sc.get();
        if (!Tokens.decodeGroups(token, from + Tokens.ID_PREFIX.length(), Tokens.ID_BODY_CHARS / 4, s.id)) return false;
        tag(s, s.id);
        int diff = 0;
        for (int i = 0; i < TAG_BYTES; i++) diff |= s.out[i] ^ s.id[RANDOM_BYTES + i];
        return diff == 0;
    }

    private static void tag(Scratch s, byte[] randomPart) {
        Mac mac = s.mac;
        mac.update(DOMAIN);
        mac.update(randomPart, 0, RANDOM_BYTES);
        try {
            mac.doFinal(s.out, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return scratch == null ? "IdTags[none]" : "IdTags[<key>]";
    }
}
