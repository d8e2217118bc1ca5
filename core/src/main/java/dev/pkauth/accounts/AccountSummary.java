package dev.pkauth.accounts;

import org.jspecify.annotations.Nullable;
import java.time.Instant;

/**
 * What a linked account holds, without its tokens: read without the account key, safe to print.
 *
 * @param id the row id
 * @param userId the user the identity belongs to
 * @param providerId {@code github}, {@code google}, {@code credential}, …
 * @param accountId the user's id at the provider
 * @param scope the scope the provider granted, or {@code null}
 * @param hasAccessToken whether an access token is stored
 * @param hasRefreshToken whether a refresh token is stored
 * @param hasIdToken whether an id token is stored
 * @param hasPassword whether a password hash is stored
 * @param accessTokenExpiresAt when the access token expires, or {@code null}
 * @param createdAt when first linked
 * @param updatedAt when last linked or refreshed
 */
public record AccountSummary(
        String id,
        String userId,
        String providerId,
        String accountId,
        @Nullable String scope,
        boolean hasAccessToken,
        boolean hasRefreshToken,
        boolean hasIdToken,
        boolean hasPassword,
        @Nullable Instant accessTokenExpiresAt,
        Instant createdAt,
        Instant updatedAt) {}
