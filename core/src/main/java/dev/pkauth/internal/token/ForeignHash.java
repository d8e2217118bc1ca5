package dev.pkauth.internal.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.jspecify.annotations.Nullable;

/**
 * A {@code secret_hash} another system wrote: what pkauth verifies once, under that system's
 * scheme, before it re-stores the key as its own HMAC. How each stored form is told apart:
 * <ul>
 *   <li>{@code $argon2id$…} / {@code $argon2i$…}: an Argon2 PHC string (Pylon's store);
 *   <li>{@code $2a$}, {@code $2b$}, {@code $2y$}: bcrypt;
 *   <li>44 characters ending in {@code =}, or 43 characters of the base64 or base64url alphabet:
 *       SHA-256 of the whole token, base64 (better-auth writes base64url without padding). No
 *       pkauth hash has that length;
 *   <li>64 hex characters: pkauth's (or Pylon's) HMAC <em>or</em> the SHA-256 of the whole token
 *       in hex (Unkey's). The two cannot be told apart by their text, so the verifier tries the
 *       HMAC and, only when it misses on a row that records no pepper (pkauth's own rows always
 *       do), the SHA-256 ({@link #sha256Hex}).
 * </ul>
 * Argon2 and bcrypt hash the key's secret: the 43 characters after the id for a token of
 * pkauth's shape (what Pylon's store hashes), the whole token for a declared legacy shape.
 * SHA-256 always covers the whole token, prefix included, as better-auth and Unkey compute it.
 *
 * <p>The slow schemes use BouncyCastle's Argon2 and OpenBSD bcrypt rather than code of our own:
 * both are the reference implementations most JVM projects rely on. Costs are bounded at parse
 * time, so a row cannot make one verification take minutes or gigabytes.
 */
public sealed interface ForeignHash {
    /** The scheme's name, as metrics, audit details and the import summary show it: {@code argon2id}, {@code bcrypt}, {@code sha256}. */
    String scheme();

    /** Whether checking it costs a slow hash (Argon2, bcrypt): such checks are bounded in number and concurrency. */
    boolean slow();

    /** Whether {@code input} (the secret, or the whole token for SHA-256) hashes to this value; constant-time where it compares. */
    boolean matches(byte[] input);

    /** Largest Argon2 memory accepted, KiB (256 MiB: above OWASP's and Pylon's settings, below what would starve a server). */
    int MAX_ARGON2_MEMORY_KIB = 256 * 1024;
    /** Largest Argon2 iteration count accepted. */
    int MAX_ARGON2_ITERATIONS = 16;
    /** Largest Argon2 parallelism accepted. */
    int MAX_ARGON2_PARALLELISM = 16;
    /** Largest bcrypt cost accepted (2^14 rounds, about a second here). */
    int MAX_BCRYPT_COST = 14;

    /**
     * The foreign hash {@code stored} is, or {@code null} when it is none of the recognised forms
     * (64 hex characters included: that is pkauth's own form, see {@link #sha256Hex}).
     *
     * @throws IllegalArgumentException when it has a recognised scheme's mark but is malformed or
     *     costs more than the bounds above; the message names the problem, never the value
     */
    static @Nullable ForeignHash parse(@Nullable String stored) {
        if (stored == null) return null;
        if (stored.startsWith("$argon2")) return Argon2.parse(stored);
        if (stored.startsWith("$2")) return Bcrypt.parse(stored);
        if (stored.length() == 43 || (stored.length() == 44 && stored.endsWith("="))) return Sha256.parseBase64(stored);
        return null;
    }

    /** A 64-hex value read as a SHA-256 of the whole token (the hex form pkauth's HMAC shares). */
    static @Nullable Sha256 sha256Hex(@Nullable String stored) {
        byte[] raw = SecretHasher.decode(stored);
        return raw == null ? null : new Sha256(raw);
    }

    /**
     * The recognised form {@code stored} is, 64 hex characters included (read as SHA-256): what an
     * import accepts. {@code null} when it is none.
     */
    static @Nullable ForeignHash parseAny(@Nullable String stored) {
        ForeignHash f = parse(stored);
        return f != null ? f : sha256Hex(stored);
    }

    /** SHA-256 of the whole token. */
    record Sha256(byte[] digest) implements ForeignHash {
        private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{43}=?");

        static Sha256 parseBase64(String stored) {
            if (!BASE64.matcher(stored).matches()) throw new IllegalArgumentException("not a base64 SHA-256");
            String s = stored.endsWith("=") ? stored.substring(0, 43) : stored;
            byte[] raw = Base64.getUrlDecoder().decode(s.replace('+', '-').replace('/', '_'));
            return new Sha256(raw);
        }

        @Override
        public String scheme() {
            return "sha256";
        }

        @Override
        public boolean slow() {
            return false;
        }

        @Override
        public boolean matches(byte[] input) {
            return MessageDigest.isEqual(Sha256Digest.of(input), digest);
        }

        /** Lowercase hex, the form the lookup index of legacy tokens holds. */
        public String hex() {
            return HexFormat.of().formatHex(digest);
        }

        @Override
        public String toString() {
            return "Sha256[…]";
        }
    }

    /** Hex SHA-256 of a whole token: how a legacy token is looked up. */
    static String lookupHash(String token) {
        return HexFormat.of().formatHex(Sha256Digest.ofAscii(token));
    }

    /** An Argon2 PHC string: {@code $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>}, base64 without padding. */
    record Argon2(int type, int version, int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash)
            implements ForeignHash {
        private static final Pattern PHC = Pattern.compile(
                "\\$(argon2id|argon2i)(?:\\$v=(16|19))?\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,3})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{22,88})");

        static Argon2 parse(String stored) {
            Matcher m = PHC.matcher(stored);
            if (!m.matches()) throw new IllegalArgumentException("not an Argon2id or Argon2i PHC string");
            int type = m.group(1).equals("argon2id") ? Argon2Parameters.ARGON2_id : Argon2Parameters.ARGON2_i;
            int version = m.group(2) == null || m.group(2).equals("16") ? Argon2Parameters.ARGON2_VERSION_10
                    : Argon2Parameters.ARGON2_VERSION_13;
            int memory = Integer.parseInt(m.group(3));
            int iterations = Integer.parseInt(m.group(4));
            int parallelism = Integer.parseInt(m.group(5));
            if (memory > MAX_ARGON2_MEMORY_KIB || iterations > MAX_ARGON2_ITERATIONS || parallelism > MAX_ARGON2_PARALLELISM
                    || iterations < 1 || parallelism < 1 || memory < 8 * parallelism) {
                throw new IllegalArgumentException("Argon2 parameters outside what pkauth verifies (m ≤ "
                        + MAX_ARGON2_MEMORY_KIB + " KiB, t ≤ " + MAX_ARGON2_ITERATIONS + ", p ≤ " + MAX_ARGON2_PARALLELISM + ")");
            }
            byte[] salt = Base64.getDecoder().decode(pad(m.group(6)));
            byte[] hash = Base64.getDecoder().decode(pad(m.group(7)));
            if (hash.length < 16 || salt.length < 8) throw new IllegalArgumentException("Argon2 salt or hash too short");
            return new Argon2(type, version, memory, iterations, parallelism, salt, hash);
        }

        private static String pad(String s) {
            return s + "=".repeat((4 - s.length() % 4) % 4);
        }

        @Override
        public String scheme() {
            return type == Argon2Parameters.ARGON2_id ? "argon2id" : "argon2i";
        }

        @Override
        public boolean slow() {
            return true;
        }

        @Override
        public boolean matches(byte[] input) {
            Argon2BytesGenerator g = new Argon2BytesGenerator();
            g.init(new Argon2Parameters.Builder(type).withVersion(version).withMemoryAsKB(memoryKib)
                    .withIterations(iterations).withParallelism(parallelism).withSalt(salt).build());
            byte[] out = new byte[hash.length];
            g.generateBytes(input, out);
            return MessageDigest.isEqual(out, hash);
        }

        @Override
        public String toString() {
            return "Argon2[" + scheme() + ", m=" + memoryKib + ", t=" + iterations + ", p=" + parallelism + "]";
        }
    }

    /** A bcrypt string, {@code $2a$}, {@code $2b$} or {@code $2y$}. */
    record Bcrypt(String stored, int cost) implements ForeignHash {
        private static final Pattern FORM = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

        static Bcrypt parse(String stored) {
            Matcher m = FORM.matcher(stored);
            if (!m.matches()) throw new IllegalArgumentException("not a bcrypt string ($2a$, $2b$ or $2y$)");
            int cost = Integer.parseInt(m.group(1));
            if (cost < 4 || cost > MAX_BCRYPT_COST) {
                throw new IllegalArgumentException("bcrypt cost outside what pkauth verifies (4 to " + MAX_BCRYPT_COST + ")");
            }
            return new Bcrypt(stored, cost);
        }

        @Override
        public String scheme() {
            return "bcrypt";
        }

        @Override
        public boolean slow() {
            return true;
        }

        @Override
        public boolean matches(byte[] input) {
            // bcrypt reads at most 72 bytes; OpenBSDBCrypt refuses longer passwords rather than truncating.
            if (input.length > 72) return false;
            char[] chars = new String(input, StandardCharsets.UTF_8).toCharArray();
            try {
                return OpenBSDBCrypt.checkPassword(stored, chars);
            } catch (IllegalArgumentException e) {
                return false;
            } finally {
                java.util.Arrays.fill(chars, '\0');
            }
        }

        @Override
        public String toString() {
            return "Bcrypt[cost=" + cost + "]";
        }
    }
}
