package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.token.SecretHasher;

import java.util.List;

/**
 * One row of the key table, times in Unix seconds ({@code null} = absent).
 * {@code createdBy} is the id of the key that minted this one, {@code null} when an operator or
 * the application minted it. {@code pepperId} is the fingerprint of the pepper the hash was made
 * under ({@link SecretHasher#fingerprint}), {@code null} for rows written by Pylon or before
 * pkauth recorded it. {@link #toString()} leaves out the hash.
 */
public record KeyRecord(
        String id,
        String userId,
        String name,
        String prefix,
        String secretHash,
        List<String> scopes,
        @Nullable Long expiresAt,
        @Nullable Long lastUsedAt,
        long createdAt,
        @Nullable Long revokedAt,
        @Nullable String createdBy,
        dev.pkauth.UsageLimits limits,
        @Nullable Long lastRefillAt,
        Ops ops,
        @Nullable String pepperId) {

    /**
     * What operators set and see: when it was disabled (and by which key's disabling, for keys
     * disabled with an ancestor), the host's metadata, the allowed client addresses (canonical
     * CIDRs), the address of the latest recorded use, who minted it (the audit actor: a
     * signed-in user's {@code user:<id>}, {@code cli:<name>}…) and the successor a rotation gave
     * it. All {@code null} when unset (rows older than those columns have neither).
     */
    public record Ops(@Nullable Long disabledAt, @Nullable String disabledVia, @Nullable String metadata,
            @Nullable String allowedIps, @Nullable String lastUsedIp, @Nullable String createdActor, @Nullable String rotatedTo) {
        public static final Ops NONE = new Ops(null, null, null, null, null, null, null);

        public Ops withDisabled(@Nullable Long at, @Nullable String via) {
            return new Ops(at, via, metadata, allowedIps, lastUsedIp, createdActor, rotatedTo);
        }

        public Ops withMetadata(@Nullable String json) {
            return new Ops(disabledAt, disabledVia, json, allowedIps, lastUsedIp, createdActor, rotatedTo);
        }

        public Ops withAllowedIps(@Nullable String cidrs) {
            return new Ops(disabledAt, disabledVia, metadata, cidrs, lastUsedIp, createdActor, rotatedTo);
        }

        public Ops withLastUsedIp(@Nullable String ip) {
            return new Ops(disabledAt, disabledVia, metadata, allowedIps, ip, createdActor, rotatedTo);
        }

        public Ops withRotatedTo(@Nullable String successor) {
            return new Ops(disabledAt, disabledVia, metadata, allowedIps, lastUsedIp, createdActor, successor);
        }
    }

    public KeyRecord {
        scopes = List.copyOf(scopes);
        if (limits == null) limits = dev.pkauth.UsageLimits.NONE;
        if (ops == null) ops = Ops.NONE;
    }

    public KeyRecord(String id, String userId, String name, String prefix, String secretHash, List<String> scopes,
            @Nullable Long expiresAt, @Nullable Long lastUsedAt, long createdAt, @Nullable Long revokedAt, @Nullable String createdBy,
            dev.pkauth.UsageLimits limits, @Nullable Long lastRefillAt, Ops ops) {
        this(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt, createdBy, limits,
                lastRefillAt, ops, null);
    }

    public KeyRecord(String id, String userId, String name, String prefix, String secretHash, List<String> scopes,
            @Nullable Long expiresAt, @Nullable Long lastUsedAt, long createdAt, @Nullable Long revokedAt, @Nullable String createdBy,
            dev.pkauth.UsageLimits limits, @Nullable Long lastRefillAt) {
        this(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt, createdBy, limits,
                lastRefillAt, Ops.NONE);
    }

    public KeyRecord withOps(Ops o) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt,
                createdBy, limits, lastRefillAt, o, pepperId);
    }

    /** A row with no usage limits. */
    public KeyRecord(String id, String userId, String name, String prefix, String secretHash, List<String> scopes,
            @Nullable Long expiresAt, @Nullable Long lastUsedAt, long createdAt, @Nullable Long revokedAt, @Nullable String createdBy) {
        this(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt, createdBy,
                dev.pkauth.UsageLimits.NONE, null);
    }

    public KeyRecord withLimits(dev.pkauth.UsageLimits l, @Nullable Long refilledAt) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt,
                createdBy, l, refilledAt, ops, pepperId);
    }

    public KeyRecord withSecretHash(String hash, @Nullable String pepper) {
        return new KeyRecord(id, userId, name, prefix, hash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt, createdBy, limits, lastRefillAt, ops, pepper);
    }

    public KeyRecord withExpiresAt(@Nullable Long at) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, at, lastUsedAt, createdAt, revokedAt, createdBy, limits, lastRefillAt, ops, pepperId);
    }

    public KeyRecord withLastUsedAt(@Nullable Long at) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, at, createdAt, revokedAt, createdBy, limits, lastRefillAt, ops, pepperId);
    }

    public KeyRecord withRevokedAt(@Nullable Long at) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, at, createdBy, limits, lastRefillAt, ops, pepperId);
    }

    public KeyRecord withCreatedBy(@Nullable String parent) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt, parent, limits, lastRefillAt, ops, pepperId);
    }

    public KeyRecord withLastUsed(@Nullable Long at, @Nullable String ip) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, at, createdAt, revokedAt, createdBy,
                limits, lastRefillAt, ops.withLastUsedIp(ip), pepperId);
    }

    /** Unrevoked and not expired at {@code now} (Unix seconds). */
    public boolean activeAt(long now) {
        return revokedAt == null && (expiresAt == null || expiresAt > now);
    }

    /** Scopes as stored: comma-separated, {@code null} when there are none. */
    public @Nullable String scopesColumn() {
        return scopes.isEmpty() ? null : String.join(",", scopes);
    }

    /** Parses the scopes column; NULL, empty and blank entries mean no scope. */
    public static List<String> parseScopes(@Nullable String column) {
        if (column == null || column.isBlank()) return List.of();
        return java.util.Arrays.stream(column.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .distinct()
                .toList();
    }

    @Override
    public String toString() {
        return "KeyRecord[id=" + id + ", userId=" + userId + ", prefix=" + prefix + ", scopes=" + scopes
                + ", expiresAt=" + expiresAt + ", revokedAt=" + revokedAt + ", createdBy=" + createdBy + ", limits=" + limits + ", pepperId=" + pepperId + "]";
    }
}
