package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * Which keys an administrative query selects. Every field is optional ({@code null}: any).
 *
 * @param userId one user's keys
 * @param status {@code active}, {@code revoked}, {@code expired}, {@code disabled} (as of {@code now}),
 *     or {@code unrevoked} (any of the others but revoked)
 * @param expiringBefore unrevoked keys whose expiry is after {@code now} and at or before this
 * @param unusedBefore unrevoked keys last used (or, never used, created) before this
 * @param now Unix seconds the statuses are judged at
 */
public record KeyFilter(@Nullable String userId, @Nullable String status, @Nullable Long expiringBefore,
        @Nullable Long unusedBefore, long now) {}
