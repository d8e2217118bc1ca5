package dev.pkauth.http;

import dev.pkauth.UsageLimits;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * What a signed-in user may put on the keys they mint in a session: the host's policy, asked per
 * request by a {@link SessionPolicy}. Least privilege by default: {@link #none()} grants no scope
 * and keys that live at most {@link #DEFAULT_MAX_LIFETIME}.
 *
 * @param scopes the scopes this user may put on a key (a key may hold fewer)
 * @param maxLifetime the longest a key minted in a session may live; a key asked for without an
 *     expiry gets exactly this
 * @param limits the usage limits every key minted in a session gets, or {@code null} for the
 *     store's default; a session cannot choose its own
 */
@dev.pkauth.Beta
public record SessionGrant(Set<String> scopes, Duration maxLifetime, @Nullable UsageLimits limits) {
    /** The longest lifetime when the host names none: 90 days, what GitHub suggests for its tokens. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(90);

    /**
     * Checks and copies (sorted, so the page lists scopes in a stable order).
     *
     * @param scopes the scopes this user may put on a key
     * @param maxLifetime the longest lifetime, positive
     * @param limits the limits of every key minted in a session, or {@code null}
     * @throws IllegalArgumentException for a lifetime that is not positive
     */
    public SessionGrant {
        scopes = java.util.Collections.unmodifiableSet(new TreeSet<>(Objects.requireNonNull(scopes, "scopes")));
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("maxLifetime must be positive, was " + maxLifetime);
        }
    }

    /**
     * No scope, {@link #DEFAULT_MAX_LIFETIME}, the store's default limits: what a signed-in user may
     * grant when the host says nothing.
     *
     * @return the grant
     */
    public static SessionGrant none() {
        return new SessionGrant(Set.of(), DEFAULT_MAX_LIFETIME, null);
    }

    /**
     * These scopes, {@link #DEFAULT_MAX_LIFETIME}, the store's default limits.
     *
     * @param scopes the scopes this user may put on a key
     * @return the grant
     */
    public static SessionGrant of(Collection<String> scopes) {
        return new SessionGrant(Set.copyOf(scopes), DEFAULT_MAX_LIFETIME, null);
    }

    /**
     * This grant with another longest lifetime.
     *
     * @param maxLifetime the longest lifetime, positive
     * @return a new grant
     */
    public SessionGrant maxLifetime(Duration maxLifetime) {
        return new SessionGrant(scopes, maxLifetime, limits);
    }

    /**
     * This grant with limits on every key minted in a session.
     *
     * @param limits the limits, or {@code null} for the store's default
     * @return a new grant
     */
    public SessionGrant limits(@Nullable UsageLimits limits) {
        return new SessionGrant(scopes, maxLifetime, limits);
    }
}
