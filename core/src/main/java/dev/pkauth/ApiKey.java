package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * A key's metadata, as listed and verified. It holds no secret and no hash: safe to log, show and
 * serialize.
 *
 * @param id the {@code key_…} primary key
 * @param userId the owner
 * @param name the owner's label ({@code ""} when none)
 * @param prefix the first 16 characters of the token, for display
 * @param scopes the scopes held, in the order given at creation
 * @param expiresAt when the key stops working, or {@code null} for never
 * @param lastUsedAt latest recorded use (debounced), or {@code null}
 * @param createdAt when it was minted
 * @param revokedAt when it was revoked, or {@code null} while active
 * @param createdBy the id of the key that minted this one, or {@code null} when an operator or the
 *     application minted it
 * @param limits its rate limit, credits (what was left when read) and refill; {@link UsageLimits#NONE}
 *     when it has none
 * @param disabledAt when it was disabled (itself, or with the key that minted it), or {@code null}
 * @param metadata the host application's JSON object, or {@code null}
 * @param allowedIps the client addresses it may be used from, or {@code null} for any
 * @param lastUsedIp the client address of its latest recorded use, or {@code null}
 * @param createdActor who minted it, as the audit log names them, or {@code null} for older keys
 * @param rotatedTo the key a rotation replaced it with, or {@code null}
 */
public record ApiKey(
        String id,
        String userId,
        String name,
        String prefix,
        List<String> scopes,
        @Nullable Instant expiresAt,
        @Nullable Instant lastUsedAt,
        Instant createdAt,
        @Nullable Instant revokedAt,
        @Nullable String createdBy,
        UsageLimits limits,
        @Nullable Instant disabledAt,
        @Nullable String metadata,
        @Nullable IpAllowlist allowedIps,
        @Nullable String lastUsedIp,
        @Nullable String createdActor,
        @Nullable String rotatedTo) {

    /**
     * Copies the scopes; {@code null} limits read as {@link UsageLimits#NONE}.
     *
     * @param id the {@code key_…} primary key
     * @param userId the owner
     * @param name the owner's label ({@code ""} when none)
     * @param prefix the first 16 characters of the token, for display
     * @param scopes the scopes held, in the order given at creation
     * @param expiresAt when the key stops working, or {@code null} for never
     * @param lastUsedAt latest recorded use (debounced), or {@code null}
     * @param createdAt when it was minted
     * @param revokedAt when it was revoked, or {@code null} while active
     * @param createdBy the id of the key that minted this one, or {@code null} when an operator or the application minted it
     * @param limits its rate limit, credits (what was left when read) and refill; {@link UsageLimits#NONE} when it has none
     * @param disabledAt when it was disabled (itself, or with the key that minted it), or {@code null}
     * @param metadata the host application's JSON object, or {@code null}
     * @param allowedIps the client addresses it may be used from, or {@code null} for any
     * @param lastUsedIp the client address of its latest recorded use, or {@code null}
     * @param createdActor who minted it, as the audit log names them ({@code user:<id>} for the key
     *     holder, which a key without {@code createdBy} minted in a signed-in session is), or
     *     {@code null} for keys minted before this was recorded
     * @param rotatedTo the id of the key a rotation replaced this one with, or {@code null}
     */
    public ApiKey {
        scopes = List.copyOf(scopes);
        if (limits == null) limits = UsageLimits.NONE;
    }

    /** What a key is at a given instant. */
    public enum Status {
        /** Usable. */
        ACTIVE,
        /** Past its expiry. */
        EXPIRED,
        /** Revoked, for good. */
        REVOKED,
        /** Disabled, itself or through a key that minted it, until enabled again. */
        DISABLED,
        /** Replaced by a rotation: it still works until the overlap ends (then it is expired). */
        ROTATED
    }

    /**
     * What the key is at {@code now}: revoked wins over disabled, disabled over expired, expired
     * over rotated.
     *
     * @param now the instant to judge at
     * @return the status
     */
    public Status statusAt(Instant now) {
        if (revokedAt != null) return Status.REVOKED;
        if (disabledAt != null) return Status.DISABLED;
        if (expiresAt != null && !expiresAt.isAfter(now)) return Status.EXPIRED;
        if (rotatedTo != null) return Status.ROTATED;
        return Status.ACTIVE;
    }

    /**
     * The principal a request authenticated with this key carries.
     *
     * @return the principal a request authenticated with this key carries
     */
    public ApiKeyPrincipal toPrincipal() {
        return new ApiKeyPrincipal(userId, id, name, scopes, expiresAt, limits, metadata, allowedIps, createdBy);
    }
}
