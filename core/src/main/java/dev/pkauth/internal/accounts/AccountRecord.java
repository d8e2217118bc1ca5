package dev.pkauth.internal.accounts;

import org.jspecify.annotations.Nullable;

/**
 * One row of the linked-accounts table as stored (tokens possibly encrypted), times in Unix
 * seconds. {@link #toString()} leaves out tokens and the password hash.
 */
public record AccountRecord(
        String id,
        String userId,
        String providerId,
        String accountId,
        @Nullable String accessToken,
        @Nullable String refreshToken,
        @Nullable String idToken,
        @Nullable Long accessTokenExpiresAt,
        @Nullable Long refreshTokenExpiresAt,
        @Nullable String scope,
        @Nullable String password,
        long createdAt,
        long updatedAt) {

    @Override
    public String toString() {
        return "AccountRecord[id=" + id + ", userId=" + userId + ", provider=" + providerId + ", account=" + accountId + "]";
    }

    /** Whether any of its tokens is sealed in the legacy {@code pkenc:v1:} format. */
    public boolean sealedLegacy() {
        return dev.pkauth.internal.token.TokenCipher.isLegacy(accessToken) || dev.pkauth.internal.token.TokenCipher.isLegacy(refreshToken)
                || dev.pkauth.internal.token.TokenCipher.isLegacy(idToken);
    }

    /** Linking an identity that another user holds is a re-link, and must be asked for as one. */
    public static IllegalStateException linkedElsewhere(AccountRecord a) {
        return new IllegalStateException(a.providerId() + " account " + a.accountId()
                + " is linked to another user; AccountStore.relink(…) moves it explicitly");
    }
}
