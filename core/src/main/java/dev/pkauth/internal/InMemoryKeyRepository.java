package dev.pkauth.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Keys in a map: for tests and ephemeral processes. Nothing survives {@link #close()}. */
public final class InMemoryKeyRepository implements KeyRepository {
    private final Map<String, KeyRecord> rows = new ConcurrentHashMap<>();

    @Override
    public void migrate() {}

    @Override
    public void insert(KeyRecord key) {
        if (rows.putIfAbsent(key.id(), key) != null) {
            throw new IllegalStateException("duplicate key id " + key.id());
        }
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public List<KeyRecord> listByUser(String userId, boolean includeRevoked) {
        return rows.values().stream()
                .filter(r -> r.userId().equals(userId))
                .filter(r -> includeRevoked || r.revokedAt() == null)
                .sorted(Comparator.comparingLong(KeyRecord::createdAt).reversed().thenComparing(KeyRecord::id))
                .toList();
    }

    @Override
    public boolean updateExpiry(String id, Long expiresAt) {
        boolean[] changed = {false};
        rows.computeIfPresent(id, (k, r) -> {
            if (r.revokedAt() != null) return r;
            changed[0] = true;
            return r.withExpiresAt(expiresAt);
        });
        return changed[0];
    }

    @Override
    public boolean revoke(String id, long revokedAt) {
        boolean[] changed = {false};
        rows.computeIfPresent(id, (k, r) -> {
            if (r.revokedAt() != null) return r;
            changed[0] = true;
            return r.withRevokedAt(revokedAt);
        });
        return changed[0];
    }

    @Override
    public boolean delete(String id) {
        return rows.remove(id) != null;
    }

    @Override
    public void replaceHash(String id, String expectedHash, String newHash) {
        rows.computeIfPresent(id, (k, r) -> r.secretHash().equals(expectedHash) ? r.withSecretHash(newHash) : r);
    }

    @Override
    public synchronized boolean rotate(String oldId, Long oldExpiresAt, Long oldRevokedAt, KeyRecord replacement) {
        KeyRecord old = rows.get(oldId);
        if (old == null || old.revokedAt() != null) return false;
        insert(replacement);
        rows.put(oldId, old.withExpiresAt(oldExpiresAt).withRevokedAt(oldRevokedAt));
        return true;
    }

    @Override
    public void touch(Map<String, Long> lastUsedById) {
        lastUsedById.forEach((id, at) -> rows.computeIfPresent(id, (k, r) ->
                r.revokedAt() == null && (r.lastUsedAt() == null || r.lastUsedAt() < at) ? r.withLastUsedAt(at) : r));
    }

    @Override
    public void close() {
        rows.clear();
    }

    @Override
    public String toString() {
        return "InMemoryKeyRepository[" + rows.size() + " keys]";
    }
}
