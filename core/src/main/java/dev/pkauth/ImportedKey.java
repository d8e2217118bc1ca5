package dev.pkauth;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One key of another system, as {@link KeyOperations#importKeys} takes it: its hash as that system
 * stored it (never its plaintext), its owner and what it may do. The key keeps verifying with the
 * tokens already handed out; its first verified use re-stores it as pkauth's HMAC.
 *
 * <p>Accepted hashes: Argon2id/Argon2i PHC strings and bcrypt ({@code $2a$}, {@code $2b$},
 * {@code $2y$}) of the token's secret, for tokens that carry a pkauth or Pylon id ({@code
 * keyId}); SHA-256 of the whole token as 64 hex characters or base64/base64url (better-auth,
 * Unkey), with or without an id. A token without an id is found by its SHA-256, so its shape must
 * be declared ({@code legacy-tokens}).
 *
 * @param sourceId the key's id in the source system: an import of the same source id is skipped,
 *     so running an import again changes nothing
 * @param userId the owner
 * @param secretHash the stored hash, in one of the forms above
 * @param keyId the pkauth or Pylon id ({@code key_…}) the tokens carry, or {@code null} when they carry none
 * @param displayPrefix what listings show to tell the key apart (better-auth's {@code start}), or
 *     {@code null}; never any part of a secret the source did not show
 * @param spec name, scopes, expiry, limits and metadata
 * @param createdAt when the source made it, or {@code null} for now
 * @param enabled false to import it disabled
 * @param lastUsedAt the key's latest use in the source, or {@code null} when the source does not
 *     say: it is then recorded as used at the import, so that {@code sweep --unused-for} cannot
 *     revoke a key still in use elsewhere before it had the chance to be used here
 */
public record ImportedKey(String sourceId, String userId, String secretHash, @Nullable String keyId,
        @Nullable String displayPrefix, KeySpec spec, @Nullable Instant createdAt, boolean enabled,
        @Nullable Instant lastUsedAt) {
    /**
     * Checks that the required parts are present.
     *
     * @param sourceId the key's id in the source system
     * @param userId the owner
     * @param secretHash the stored hash
     * @param keyId the id the tokens carry, or {@code null}
     * @param displayPrefix what listings show, or {@code null}
     * @param spec name, scopes, expiry, limits and metadata
     * @param createdAt when the source made it, or {@code null}
     * @param enabled false to import it disabled
     * @param lastUsedAt its latest use in the source, or {@code null} when unknown
     */
    public ImportedKey {
        Objects.requireNonNull(sourceId, "sourceId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(spec, "spec");
    }

    /**
     * A key whose latest use the source does not say (recorded as used at the import).
     *
     * @param sourceId the key's id in the source system
     * @param userId the owner
     * @param secretHash the stored hash
     * @param keyId the id the tokens carry, or {@code null}
     * @param displayPrefix what listings show, or {@code null}
     * @param spec name, scopes, expiry, limits and metadata
     * @param createdAt when the source made it, or {@code null}
     * @param enabled false to import it disabled
     */
    public ImportedKey(String sourceId, String userId, String secretHash, @Nullable String keyId,
            @Nullable String displayPrefix, KeySpec spec, @Nullable Instant createdAt, boolean enabled) {
        this(sourceId, userId, secretHash, keyId, displayPrefix, spec, createdAt, enabled, null);
    }

    /** Names the key without its hash. */
    @Override
    public String toString() {
        return "ImportedKey[sourceId=" + sourceId + ", userId=" + userId + ", keyId=" + keyId + ", spec=" + spec + "]";
    }
}
