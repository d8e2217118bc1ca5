package dev.pkauth;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every key of a store must meet: a longest lifetime, an expiry, usage limits. A key minted
 * outside it is refused at creation; a key already outside it (made before the policy, or
 * imported) fails verification with {@link Verification.Reason#POLICY} without being revoked, so
 * tightening a policy can be undone. Set by {@link ApiKeyStoreBuilder#keyPolicy} or by the
 * settings {@code max-key-lifetime}, {@code require-expiry} and {@code require-limits}.
 *
 * @param maxLifetime the longest a key may live from its creation, or {@code null} for no bound;
 *     implies an expiry
 * @param requireExpiry whether every key must expire
 * @param requireLimits whether every key must carry a rate limit or credits of its own
 */
public record KeyPolicy(@Nullable Duration maxLifetime, boolean requireExpiry, boolean requireLimits) {
    /** No policy: any key a caller may mint is fine. */
    public static final KeyPolicy NONE = new KeyPolicy(null, false, false);

    /**
     * Checks the lifetime.
     *
     * @param maxLifetime the longest a key may live from its creation, or {@code null} for no bound
     * @param requireExpiry whether every key must expire
     * @param requireLimits whether every key must carry a rate limit or credits of its own
     * @throws IllegalArgumentException for a lifetime that is zero or negative
     */
    public KeyPolicy {
        if (maxLifetime != null && (maxLifetime.isZero() || maxLifetime.isNegative())) {
            throw new IllegalArgumentException("a key policy's longest lifetime must be positive, was " + maxLifetime);
        }
    }

    /**
     * Why a key with these properties is outside the policy, or {@code null} when it is inside.
     *
     * @param createdAt when the key was (or is being) made, Unix seconds
     * @param expiresAt when it expires, Unix seconds, or {@code null} for never
     * @param limits its usage limits
     * @return what the key lacks, in words naming the setting, or {@code null}
     */
    public @Nullable String violation(long createdAt, @Nullable Long expiresAt, UsageLimits limits) {
        Objects.requireNonNull(limits, "limits");
        if ((requireExpiry || maxLifetime != null) && expiresAt == null) {
            return "this service's key policy requires keys to expire ("
                    + Settings.environmentName(maxLifetime != null ? Settings.MAX_KEY_LIFETIME : Settings.REQUIRE_EXPIRY) + ")";
        }
        if (maxLifetime != null && expiresAt != null && expiresAt - createdAt > maxLifetime.toSeconds()) {
            return "this service's key policy allows keys to live at most " + Settings.formatDuration(maxLifetime) + " ("
                    + Settings.environmentName(Settings.MAX_KEY_LIFETIME) + ")";
        }
        if (requireLimits && limits.rateLimit() == null && limits.credits() == null) {
            return "this service's key policy requires a rate limit or credits on every key ("
                    + Settings.environmentName(Settings.REQUIRE_LIMITS) + ")";
        }
        return null;
    }
}
