package dev.pkauth.accounts;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link AccountStore#link} writes: the identity and the provider's current tokens.
 *
 * <pre>{@code
 * AccountLink link = AccountLink.of("alice", "github", "583231")
 *         .accessToken(tokens.access()).scope("read:user").build();
 * }</pre>
 * {@link #toString()} shows no token and no password hash.
 */
public record AccountLink(
        String userId,
        String providerId,
        String accountId,
        @Nullable String accessToken,
        @Nullable String refreshToken,
        @Nullable String idToken,
        @Nullable Instant accessTokenExpiresAt,
        @Nullable Instant refreshTokenExpiresAt,
        @Nullable String scope,
        @Nullable String passwordHash) {

    /**
     * A link of {@code userId} to the account {@code accountId} at {@code providerId}; tokens and scope are set on the builder.
     *
     * @param userId the owner's user id
     * @param providerId the identity provider ({@code github}, {@code google}…)
     * @param accountId the account's id at the provider
     * @return the builder
     */
    public static Builder of(String userId, String providerId, String accountId) {
        return new Builder(userId, providerId, accountId);
    }

    @Override
    public String toString() {
        return "AccountLink[userId=" + userId + ", provider=" + providerId + ", account=" + accountId + ", tokens=<redacted>]";
    }

    /** Builds an {@link AccountLink}; every token is optional. */
    public static final class Builder {
        private final String userId;
        private final String providerId;
        private final String accountId;
        private @Nullable String accessToken;
        private @Nullable String refreshToken;
        private @Nullable String idToken;
        private @Nullable Instant accessTokenExpiresAt;
        private @Nullable Instant refreshTokenExpiresAt;
        private @Nullable String scope;
        private @Nullable String passwordHash;

        private Builder(String userId, String providerId, String accountId) {
            this.userId = Objects.requireNonNull(userId, "userId");
            this.providerId = Objects.requireNonNull(providerId, "providerId");
            this.accountId = Objects.requireNonNull(accountId, "accountId");
        }

        /**
         * The provider's access token, stored encrypted when an account key is set.
         *
         * @param token the provider's access token
         * @return this builder
         */
        public Builder accessToken(String token) {
            this.accessToken = token;
            return this;
        }

        /**
         * The provider's access token, stored encrypted when an account key is set.
         *
         * @param token the provider's access token
         * @param expiresAt when the key expires, or {@code null} for never
         * @return this builder
         */
        public Builder accessToken(String token, Instant expiresAt) {
            this.accessToken = token;
            this.accessTokenExpiresAt = expiresAt;
            return this;
        }

        /**
         * The provider's refresh token, stored encrypted when an account key is set.
         *
         * @param token the provider's refresh token
         * @return this builder
         */
        public Builder refreshToken(String token) {
            this.refreshToken = token;
            return this;
        }

        /**
         * The provider's refresh token, stored encrypted when an account key is set.
         *
         * @param token the provider's refresh token
         * @param expiresAt when the key expires, or {@code null} for never
         * @return this builder
         */
        public Builder refreshToken(String token, Instant expiresAt) {
            this.refreshToken = token;
            this.refreshTokenExpiresAt = expiresAt;
            return this;
        }

        /**
         * The provider's OpenID Connect ID token, stored encrypted when an account key is set.
         *
         * @param token the provider's OpenID Connect ID token
         * @return this builder
         */
        public Builder idToken(String token) {
            this.idToken = token;
            return this;
        }

        /**
         * The scopes the provider granted.
         *
         * @param scope the scopes the provider granted, as it wrote them
         * @return this builder
         */
        public Builder scope(String scope) {
            this.scope = scope;
            return this;
        }

        /**
         * A bcrypt ({@code $2b$…}) or Argon2 ({@code $argon2id$…}) hash; a plaintext password is refused.
         *
         * @param hash the hash
         * @return this builder
         */
        public Builder passwordHash(String hash) {
            this.passwordHash = hash;
            return this;
        }

        /**
         * The link.
         *
         * @return the link
         */
        public AccountLink build() {
            return new AccountLink(userId, providerId, accountId, accessToken, refreshToken, idToken, accessTokenExpiresAt,
                    refreshTokenExpiresAt, scope, passwordHash);
        }
    }
}
