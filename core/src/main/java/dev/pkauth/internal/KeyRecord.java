package dev.pkauth.internal;

import java.util.List;

/**
 * One row of the key table, times in Unix seconds ({@code null} = absent).
 * {@link #toString()} leaves out the hash.
 */
public record KeyRecord(
        String id,
        String userId,
        String name,
        String prefix,
        String secretHash,
        List<String> scopes,
        Long expiresAt,
        Long lastUsedAt,
        long createdAt,
        Long revokedAt) {

    public KeyRecord {
        scopes = List.copyOf(scopes);
    }

    public KeyRecord withSecretHash(String hash) {
        return new KeyRecord(id, userId, name, prefix, hash, scopes, expiresAt, lastUsedAt, createdAt, revokedAt);
    }

    public KeyRecord withExpiresAt(Long at) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, at, lastUsedAt, createdAt, revokedAt);
    }

    public KeyRecord withLastUsedAt(Long at) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, at, createdAt, revokedAt);
    }

    public KeyRecord withRevokedAt(Long at) {
        return new KeyRecord(id, userId, name, prefix, secretHash, scopes, expiresAt, lastUsedAt, createdAt, at);
    }

    /** Scopes as stored: comma-separated, {@code null} when there are none. */
    public String scopesColumn() {
        return scopes.isEmpty() ? null : String.join(",", scopes);
    }

    /** Parses the scopes column; NULL, empty and blank entries mean no scope. */
    public static List<String> parseScopes(String column) {
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
                + ", expiresAt=" + expiresAt + ", revokedAt=" + revokedAt + "]";
    }
}
