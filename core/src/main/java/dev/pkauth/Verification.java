package dev.pkauth;

import org.jspecify.annotations.Nullable;
/**
 * The answer to {@link ApiKeyStore#verify(String)}: the key is {@link Valid}, or {@link Invalid}
 * with a reason; {@link ApiKeyStore#verify(String, String)} may also answer {@link Throttled}
 * for a client address over its budget of rejected keys. A store that cannot answer throws
 * {@link StoreUnavailableException} instead.
 *
 * <pre>{@code
 * switch (store.verify(token)) {
 *     case Verification.Valid v -> handle(v.principal());
 *     case Verification.Invalid i -> reject(i.reason());
 *     case Verification.Throttled t -> tooManyFailures(t.retryAfterSeconds());
 * }
 * }</pre>
 * (pattern {@code switch} needs Java 21; on 17 use {@code instanceof}.)
 */
public sealed interface Verification {

    /**
     * Whether the key verified.
     *
     * @return true for {@link Valid}
     */
    boolean isValid();

    /**
     * The key verified: right secret, not revoked, not expired.
     *
     * @param key the key's metadata
     * @param principal what a request authenticated with it carries
     */
    record Valid(ApiKey key, ApiKeyPrincipal principal) implements Verification {
        @Override
        public boolean isValid() {
            return true;
        }
    }

    /**
     * The key did not verify.
     *
     * @param reason why
     * @param prefix the display prefix of the presented key, or {@code null} when it was malformed
     */
    record Invalid(Reason reason, @Nullable String prefix) implements Verification {
        @Override
        public boolean isValid() {
            return false;
        }
    }

    /**
     * Not checked: the client address has had too many rejected keys in the current window
     * ({@code failed-auth-limit}), and this key is not one already in memory. No lookup was made.
     *
     * @param retryAfterSeconds seconds until the address's window ends
     */
    record Throttled(long retryAfterSeconds) implements Verification {
        @Override
        public boolean isValid() {
            return false;
        }
    }

    /** Why a key did not verify. */
    enum Reason {
        /** Not of the {@code pk.key_<32>.<43>} shape; never reached the database. */
        MALFORMED,
        /** No key with that id. */
        NOT_FOUND,
        /** The id exists but the secret is wrong. */
        BAD_SECRET,
        /**
         * The id exists but its hash was made under a pepper this process does not have (its
         * recorded fingerprint matches none of {@code PKAUTH_PEPPER} and {@code PKAUTH_PEPPER_PREVIOUS}),
         * so the secret could not be checked: a configuration problem, answered to the client exactly
         * as {@link #BAD_SECRET}.
         */
        UNKNOWN_PEPPER,
        /** The secret is right but {@code expires_at} has passed. */
        EXPIRED,
        /** The secret is right but the key was revoked. */
        REVOKED,
        /** The secret is right but the key, or a key that minted it, is disabled. */
        DISABLED,
        /**
         * The secret is right but the key is outside the store's {@link KeyPolicy} (made before it,
         * or imported): refused, not revoked, so loosening the policy makes it valid again.
         */
        POLICY
    }
}
