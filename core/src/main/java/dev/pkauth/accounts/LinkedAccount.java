package dev.pkauth.accounts;

import org.jspecify.annotations.Nullable;
import java.time.Instant;

/**
 * An external identity linked to a user, tokens decrypted. {@link #toString()} shows no token
 * and no password hash.
 *
 * @param id the row id, kept across re-links
 * @param userId the user this identity belongs to
 * @param providerId {@code github}, {@code google}, {@code credential}, …
 * @param accountId the user's id at the provider
 * @param accessToken the provider's access token, or {@code null}
 * @param refreshToken the provider's refresh token, or {@code null}
 * @param idToken the OpenID Connect id token, or {@code null}
 * @param accessTokenExpiresAt when the access token expires, or {@code null}
 * @param refreshTokenExpiresAt when the refresh token expires, or {@code null}
 * @param scope the scope the provider granted, or {@code null}
 * @param passwordHash a bcrypt or Argon2 hash for the {@code credential} provider, or {@code null}
 * @param createdAt when first linked
 * @param updatedAt when last linked or refreshed
 */
public record LinkedAccount(
        String id,
        String userId,
        String providerId,
        String accountId,
        @Nullable String accessToken,
        @Nullable String refreshToken,
        @Nullable String idToken,
        @Nullable Instant accessTokenExpiresAt,
        @Nullable Instant refreshTokenExpiresAt,
        @Nullable String scope,
        @Nullable String passwordHash,
        Instant createdAt,
        Instant updatedAt) {

    @Override
    public String toString() {
        return "LinkedAccount[id=" + id + ", userId=" + userId + ", provider=" + providerId + ", account=" + accountId
                + ", scope=" + scope + ", tokens=<redacted>" + (passwordHash == null ? "" : ", password=<redacted>") + "]";
    }
}
