package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Who is calling and what they may do: the principal of a request authenticated by an API key.
 * Its {@linkplain #getName() name} is the user id.
 *
 * <pre>{@code
 * ApiKeyPrincipal p = (ApiKeyPrincipal) request.getUserPrincipal();
 * if (!p.hasScope("docs:write")) { ... }
 * }</pre>
 */
public final class ApiKeyPrincipal implements Principal {
    private final String userId;
    private final String keyId;
    private final String keyName;
    private final List<String> scopes;
    private final @Nullable Instant expiresAt;
    private final UsageLimits limits;
    private final @Nullable String metadata;
    private final @Nullable IpAllowlist allowedIps;
    /**
     * The key that minted this one, whose budget a request also draws on; {@code null} for a root
     * key and for a principal the host built (the store looks no further for those).
     */
    private final @Nullable String mintedBy;

    /**
     * A principal without limits, metadata or allowlist.
     *
     * @param userId the owner's user id
     * @param keyId the key's id ({@code key_…})
     * @param keyName the key's label
     * @param scopes the scopes to grant
     * @param expiresAt when the key expires, or {@code null} for never
     */
    public ApiKeyPrincipal(String userId, String keyId, @Nullable String keyName, List<String> scopes, @Nullable Instant expiresAt) {
        this(userId, keyId, keyName, scopes, expiresAt, UsageLimits.NONE);
    }

    /**
     * @param limits the key's usage limits as verified (credits: what was left when its row was read)
     * @param userId the owner's user id
     * @param keyId the key's id ({@code key_…})
     * @param keyName the key's label
     * @param scopes the scopes to grant
     * @param expiresAt when the key expires, or {@code null} for never
     */
    public ApiKeyPrincipal(String userId, String keyId, @Nullable String keyName, List<String> scopes, @Nullable Instant expiresAt,
            @Nullable UsageLimits limits) {
        this(userId, keyId, keyName, scopes, expiresAt, limits, null, null);
    }

    /**
     * @param metadata the key's JSON metadata, or {@code null}
     * @param allowedIps the addresses the key may be used from, or {@code null} for any
     * @param userId the owner's user id
     * @param keyId the key's id ({@code key_…})
     * @param keyName the key's label
     * @param scopes the scopes to grant
     * @param expiresAt when the key expires, or {@code null} for never
     * @param limits the key's usage limits
     */
    public ApiKeyPrincipal(String userId, String keyId, @Nullable String keyName, List<String> scopes, @Nullable Instant expiresAt,
            @Nullable UsageLimits limits, @Nullable String metadata, @Nullable IpAllowlist allowedIps) {
        this(userId, keyId, keyName, scopes, expiresAt, limits, metadata, allowedIps, null);
    }

    ApiKeyPrincipal(String userId, String keyId, @Nullable String keyName, List<String> scopes, @Nullable Instant expiresAt,
            @Nullable UsageLimits limits, @Nullable String metadata, @Nullable IpAllowlist allowedIps, @Nullable String mintedBy) {
        this.mintedBy = mintedBy;
        this.userId = Objects.requireNonNull(userId, "userId");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.keyName = keyName == null ? "" : keyName;
        this.scopes = List.copyOf(scopes);
        this.expiresAt = expiresAt;
        this.limits = limits == null ? UsageLimits.NONE : limits;
        this.metadata = metadata;
        this.allowedIps = allowedIps;
    }

    /**
     * The id of the key that minted this one ({@link ApiKeyStore#create(ApiKeyPrincipal, KeySpec)}),
     * or {@code null} for a key the application or an operator minted.
     *
     * @return the minting key's id, or {@code null}
     */
    public @Nullable String mintedBy() {
        return mintedBy;
    }

    /**
     * The host application's JSON object set on the key (customer id, plan…), or {@code null}.
     *
     * @return the host application's JSON object set on the key (customer id, plan…), or {@code null}
     */
    public @Nullable String metadata() {
        return metadata;
    }

    /**
     * The client addresses the key may be used from, or {@code null} for any.
     *
     * @return the client addresses the key may be used from, or {@code null} for any
     */
    public @Nullable IpAllowlist allowedIps() {
        return allowedIps;
    }

    /**
     * The key's rate limit, credits and refill, for host policies (a plan's quota, say). Credits
     * here are what was left when the row was read; {@link ApiKeyStore#admit} and
     * {@link ApiKeyStore#consume} answer with what is left now.
     *
     * @return the limits
     */
    public UsageLimits limits() {
        return limits;
    }

    /** The user id. */
    @Override
    public String getName() {
        return userId;
    }

    /**
     * The owner's user id.
     *
     * @return the user id
     */
    public String userId() {
        return userId;
    }

    /**
     * The key's id ({@code key_…}).
     *
     * @return the id
     */
    public String keyId() {
        return keyId;
    }

    /**
     * The key's label.
     *
     * @return the label
     */
    public String keyName() {
        return keyName;
    }

    /**
     * The key's display prefix ({@code pk.key_} plus 9 id characters): safe to log.
     *
     * @return the key's display prefix ({@code pk.key_} plus 9 id characters)
     */
    public String keyPrefix() {
        return dev.pkauth.internal.token.Tokens.prefixOfId(keyId);
    }

    /**
     * The key's scopes.
     *
     * @return the scopes
     */
    public List<String> scopes() {
        return scopes;
    }

    /**
     * When the key expires, or {@code null} for never.
     *
     * @return when the key expires, or {@code null} for never
     */
    public @Nullable Instant expiresAt() {
        return expiresAt;
    }

    /**
     * True when the key holds {@code required} exactly, holds {@code *}, or holds {@code X:*} and
     * {@code required} starts with {@code X:}.
     *
     * @param required the scope asked for
     * @return true when the key holds it
     */
    public boolean hasScope(String required) {
        if (required == null || required.isEmpty()) return false;
        for (String held : scopes) {
            if (held.equals(required) || held.equals("*")) return true;
            if (held.endsWith(":*")) {
                int stem = held.length() - 1; // keep the colon: "docs:*" grants "docs:read", not "docsx"
                if (required.length() > stem && required.regionMatches(0, held, 0, stem)) return true;
            }
        }
        return false;
    }

    /**
     * True when every one of {@code required} is held.
     *
     * @param required the scopes asked for
     * @return true when every one of {@code required} is held
     */
    public boolean hasAllScopes(Iterable<String> required) {
        for (String s : required) {
            if (!hasScope(s)) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKeyPrincipal p && p.keyId.equals(keyId) && p.userId.equals(userId)
                && p.keyName.equals(keyName) && p.scopes.equals(scopes) && Objects.equals(p.expiresAt, expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, keyId);
    }

    @Override
    public String toString() {
        return "ApiKeyPrincipal[userId=" + userId + ", key=" + keyPrefix() + ", scopes=" + scopes + "]";
    }
}
