package dev.pkauth.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BinaryOperator;

/**
 * Keys in a map: for tests and ephemeral processes. Nothing survives {@link #close()}. Reads are
 * lock-free; writes that must see a consistent set of rows (create, revoke, rotate) take this
 * object's lock.
 */
public final class InMemoryKeyRepository implements KeyRepository {
    private static final Comparator<KeyRecord> NEWEST_FIRST =
            Comparator.comparingLong(KeyRecord::createdAt).thenComparing(KeyRecord::id).reversed();

    private final Map<String, KeyRecord> rows = new ConcurrentHashMap<>();

    @Override
    public void migrate() {}

    @Override
    public synchronized Optional<KeyRecord> create(KeyRecord draft, long now, int maxActive, BinaryOperator<KeyRecord> fit) {
        KeyRecord parent = draft.createdBy() == null ? null : rows.get(draft.createdBy());
        KeyRecord row = fit.apply(parent != null && parent.revokedAt() == null ? parent : null, draft);
        long active = rows.values().stream().filter(r -> r.userId().equals(row.userId()) && r.activeAt(now)).count();
        if (active >= maxActive) return Optional.empty();
        if (rows.putIfAbsent(row.id(), row) != null) throw new IllegalStateException("duplicate key id " + row.id());
        return Optional.of(row);
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public List<KeyRecord> listByUser(String userId, boolean includeRevoked, int limit, Long afterCreatedAt, String afterId) {
        return rows.values().stream()
                .filter(r -> r.userId().equals(userId))
                .filter(r -> includeRevoked || r.revokedAt() == null)
                .filter(r -> afterId == null || r.createdAt() < afterCreatedAt
                        || (r.createdAt() == afterCreatedAt && r.id().compareTo(afterId) < 0))
                .sorted(NEWEST_FIRST)
                .limit(limit)
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
    public synchronized List<String> revokeTree(String id, long revokedAt) {
        List<String> revoked = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String next = todo.poll();
            if (!seen.add(next)) continue;
            KeyRecord r = rows.get(next);
            if (r == null) continue;
            if (r.revokedAt() == null) {
                rows.put(next, r.withRevokedAt(revokedAt));
                revoked.add(next);
            }
            for (KeyRecord child : rows.values()) if (next.equals(child.createdBy())) todo.add(child.id());
        }
        return List.copyOf(revoked);
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
        if (rows.putIfAbsent(replacement.id(), replacement) != null) {
            throw new IllegalStateException("duplicate key id " + replacement.id());
        }
        rows.put(oldId, old.withExpiresAt(oldExpiresAt).withRevokedAt(oldRevokedAt));
        rows.replaceAll((k, r) -> oldId.equals(r.createdBy()) ? r.withCreatedBy(replacement.id()) : r);
        return true;
    }

    @Override
    public synchronized Spend spend(String id, long cost, long now) {
        KeyRecord r = rows.get(id);
        if (r == null || r.limits().credits() == null) return new Spend(false, null);
        dev.pkauth.UsageLimits l = r.limits();
        long credits = l.credits();
        Long refilledAt = r.lastRefillAt();
        if (l.refill() != null) {
            long since = refilledAt != null ? refilledAt : r.createdAt();
            long interval = l.refill().interval().toSeconds();
            if (now >= since + interval) {
                credits = l.refill().amount();
                refilledAt = now - Math.floorMod(now - since, interval);
            }
        }
        if (credits < cost) return new Spend(false, credits);
        rows.put(id, r.withLimits(new dev.pkauth.UsageLimits(l.rateLimit(), credits - cost, l.refill()), refilledAt));
        return new Spend(true, credits - cost);
    }

    @Override
    public Long secondsToRefill(String id, long now) {
        KeyRecord r = rows.get(id);
        if (r == null || r.limits().refill() == null) return null;
        long since = r.lastRefillAt() != null ? r.lastRefillAt() : r.createdAt();
        return Math.max(1, since + r.limits().refill().interval().toSeconds() - now);
    }

    @Override
    public synchronized boolean setLimits(String id, dev.pkauth.UsageLimits limits, long now) {
        KeyRecord r = rows.get(id);
        if (r == null || r.revokedAt() != null) return false;
        rows.put(id, r.withLimits(limits, limits.refill() == null ? null : now));
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
