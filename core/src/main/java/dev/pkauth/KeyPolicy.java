package dev.pkauth;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every key of a store must meet: a longest lifetime, an expiry, usage limits. A key minted
 * outside it is refused at creation; a key already outside it (made before the policy, or
 * imported) fails verification with {@link Verification.Reason#POLICY} without being revoked, so
 * tightening a policy can be undone. Set by {@link ApiKeyStoreBuilder#keyPolicy} or by the
 * settings {@code max-key-lifetime}, {@code require-expiry}, {@code require-limits} and
 * {@code scope-max-lifetime}.
 *
 * @param maxLifetime the longest a key may live from its creation, or {@code null} for no bound;
 *     implies an expiry
 * @param requireExpiry whether every key must expire
 * @param requireLimits whether every key must carry a rate limit or credits of its own
 * @param scopeLifetimes per-scope ceilings: a key holding a scope a pattern matches (an exact
 *     scope, {@code X:*} for every scope under {@code X:}, or {@code *}) must expire within that
 *     pattern's duration of its creation; empty for none
 */
public record KeyPolicy(@Nullable Duration maxLifetime, boolean requireExpiry, boolean requireLimits,
        Map<String, Duration> scopeLifetimes) {
    /** No policy: any key a caller may mint is fine. */
    public static final KeyPolicy NONE = new KeyPolicy(null, false, false);

    /**
     * Checks the lifetimes and copies the ceilings, in order.
     *
     * @param maxLifetime the longest a key may live from its creation, or {@code null} for no bound
     * @param requireExpiry whether every key must expire
     * @param requireLimits whether every key must carry a rate limit or credits of its own
     * @param scopeLifetimes per-scope ceilings, pattern to longest lifetime
     * @throws IllegalArgumentException for a lifetime that is zero or negative, or a pattern that is not a scope
     */
    public KeyPolicy {
        if (maxLifetime != null && (maxLifetime.isZero() || maxLifetime.isNegative())) {
            throw new IllegalArgumentException("a key policy's longest lifetime must be positive, was " + maxLifetime);
        }
        Map<String, Duration> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> e : Objects.requireNonNull(scopeLifetimes, "scopeLifetimes").entrySet()) {
            String pattern = e.getKey();
            boolean printable = pattern != null && !pattern.isEmpty()
                    && pattern.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',' && c != '=');
            int star = printable ? pattern.indexOf('*') : -1;
            boolean wildcard = star < 0 || pattern.equals("*") || (pattern.endsWith(":*") && star == pattern.length() - 1);
            if (!printable || !wildcard) {
                throw new IllegalArgumentException("a scope ceiling is a scope, X:* or *; got " + pattern);
            }
            Duration d = Objects.requireNonNull(e.getValue(), pattern);
            if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("the ceiling of " + pattern + " must be positive");
            copy.put(pattern, d);
        }
        scopeLifetimes = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * A policy without per-scope ceilings.
     *
     * @param maxLifetime the longest a key may live from its creation, or {@code null} for no bound
     * @param requireExpiry whether every key must expire
     * @param requireLimits whether every key must carry a rate limit or credits of its own
     */
    public KeyPolicy(@Nullable Duration maxLifetime, boolean requireExpiry, boolean requireLimits) {
        this(maxLifetime, requireExpiry, requireLimits, Map.of());
    }

    /**
     * Parses per-scope ceilings as the setting {@code scope-max-lifetime} writes them:
     * {@code admin:*=7d,billing:write=30d}.
     *
     * @param text the ceilings, comma-separated {@code pattern=duration}
     * @return pattern to duration, in order
     * @throws IllegalArgumentException naming the entry that cannot be read
     */
    public static Map<String, Duration> parseScopeLifetimes(String text) {
        Map<String, Duration> out = new LinkedHashMap<>();
        for (String entry : text.split(",", -1)) {
            int eq = entry.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("each scope ceiling is scope=duration, such as admin:*=7d; got '" + entry.strip() + "'");
            try {
                out.put(entry.substring(0, eq).strip(), Settings.parseDuration(entry.substring(eq + 1).strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("scope ceiling '" + entry.strip() + "': " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * {@link #violation(long, Long, UsageLimits)} for a key holding {@code scopes}: also its
     * per-scope ceilings.
     *
     * @param createdAt when the key was (or is being) made, Unix seconds
     * @param expiresAt when it expires, Unix seconds, or {@code null} for never
     * @param limits its usage limits
     * @param scopes the scopes it holds
     * @return what the key lacks, in words naming the setting, or {@code null}
     */
    public @Nullable String violation(long createdAt, @Nullable Long expiresAt, UsageLimits limits, Collection<String> scopes) {
        String outside = violation(createdAt, expiresAt, limits);
        if (outside != null || scopeLifetimes.isEmpty()) return outside;
        for (Map.Entry<String, Duration> ceiling : scopeLifetimes.entrySet()) {
            String pattern = ceiling.getKey();
            for (String scope : scopes) {
                if (!covers(pattern, scope)) continue;
                if (expiresAt == null || expiresAt - createdAt > ceiling.getValue().toSeconds()) {
                    return "this service's key policy allows keys with scope " + scope + " to live at most "
                            + Settings.formatDuration(ceiling.getValue()) + " (" + Settings.environmentName(Settings.SCOPE_MAX_LIFETIME) + ")";
                }
            }
        }
        return null;
    }

    private static boolean covers(String pattern, String scope) {
        if (pattern.equals("*")) return true;
        if (pattern.endsWith(":*")) return scope.startsWith(pattern.substring(0, pattern.length() - 1)) || scope.equals(pattern);
        return pattern.equals(scope);
    }

    /**
     * Why a key with these properties is outside the policy, or {@code null} when it is inside;
     * per-scope ceilings are checked by {@link #violation(long, Long, UsageLimits, Collection)}.
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
