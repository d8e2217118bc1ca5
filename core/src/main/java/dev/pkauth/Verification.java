package dev.pkauth;

/**
 * The answer to {@link ApiKeyStore#verify(String)}: the key is {@link Valid}, or {@link Invalid}
 * with a reason. A store that cannot answer throws {@link StoreUnavailableException} instead.
 *
 * <pre>{@code
 * switch (store.verify(token)) {
 *     case Verification.Valid v -> handle(v.principal());
 *     case Verification.Invalid i -> reject(i.reason());
 * }
 * }</pre>
 * (pattern {@code switch} needs Java 21; on 17 use {@code instanceof}.)
 */
public sealed interface Verification {

    boolean isValid();

    /** The key verified: right secret, not revoked, not expired. */
    record Valid(ApiKey key) implements Verification {
        @Override
        public boolean isValid() {
            return true;
        }

        public ApiKeyPrincipal principal() {
            return key.toPrincipal();
        }
    }

    /**
     * The key did not verify.
     *
     * @param reason why
     * @param prefix the display prefix of the presented key, or {@code null} when it was malformed
     */
    record Invalid(Reason reason, String prefix) implements Verification {
        @Override
        public boolean isValid() {
            return false;
        }

        /** True when the presented secret was right and the key is merely expired or revoked. */
        public boolean secretWasRight() {
            return reason == Reason.EXPIRED || reason == Reason.REVOKED;
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
        /** The secret is right but {@code expires_at} has passed. */
        EXPIRED,
        /** The secret is right but the key was revoked. */
        REVOKED
    }
}
