package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

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

    /** A tag key of this map's own: nothing outside the process mints into it. */
    private final dev.pkauth.internal.token.IdTags tags =
            dev.pkauth.internal.token.IdTags.fromText(dev.pkauth.internal.token.IdTags.newKeyText());

    @Override
    public void migrate() {}

    @Override
    public dev.pkauth.internal.token.IdTags idTags() {
        return tags;
    }

    /** Rows imported with their source's ids (every other row here was minted by this process's store, with a tag). */
    private volatile boolean untagged;
    /** Legacy tokens' SHA-256 (hex) and source rows already imported, to the ids they became. */
    private final Map<String, String> lookupHashes = new ConcurrentHashMap<>();
    private final Map<String, String> importRefs = new ConcurrentHashMap<>();

    /** An idempotency key's claim: the request's hash, when it was claimed, and the key it made (null until then). */
    private static final class Held {
        final String requestHash;
        long at;
        @Nullable String keyId;

        Held(String requestHash, long at) {
            this.requestHash = requestHash;
            this.at = at;
        }
    }

    /** Idempotency keys by scope and key. */
    private final Map<java.util.List<String>, Held> idempotency = new java.util.HashMap<>();

    @Override
    public synchronized Claim claim(String scope, String key, String requestHash, long now) {
        idempotency.values().removeIf(h -> h.at < now - RETAIN_SECONDS);
        Held held = idempotency.get(java.util.List.of(scope, key));
        if (held == null) {
            idempotency.put(java.util.List.of(scope, key), new Held(requestHash, now));
            return new Claim(Status.CLAIMED, null);
        }
        if (!held.requestHash.equals(requestHash)) return new Claim(Status.CONFLICT, null);
        if (held.keyId != null) return new Claim(Status.REPLAY, held.keyId);
        if (held.at < now - ABANDONED_AFTER_SECONDS) {
            held.at = now;
            return new Claim(Status.CLAIMED, null);
        }
        return new Claim(Status.IN_PROGRESS, null);
    }

    @Override
    public synchronized void complete(String scope, String key, String keyId) {
        Held held = idempotency.get(java.util.List.of(scope, key));
        if (held != null) held.keyId = keyId;
    }

    @Override
    public synchronized void release(String scope, String key) {
        idempotency.computeIfPresent(java.util.List.of(scope, key), (k, held) -> held.keyId == null ? null : held);
    }

    @Override
    public boolean hasUntaggedKeys() {
        return untagged;
    }

    @Override
    public synchronized boolean insertImported(KeyRecord row, boolean tagged, String importRef, @Nullable String lookupHash,
            AuditRecord audit) {
        if (rows.containsKey(row.id()) || importRefs.containsKey(importRef)
                || (lookupHash != null && lookupHashes.containsKey(lookupHash))) {
            return false;
        }
        rows.put(row.id(), row);
        importRefs.put(importRef, row.id());
        if (lookupHash != null) lookupHashes.put(lookupHash, row.id());
        if (!tagged) untagged = true;
        append(audit);
        return true;
    }

    @Override
    public boolean imported(String importRef) {
        String id = importRefs.get(importRef);
        return id != null && rows.containsKey(id);
    }

    @Override
    public Optional<KeyRecord> findByLookupHash(String lookupHash) {
        String id = lookupHashes.get(lookupHash);
        return id == null ? Optional.empty() : find(id);
    }

    @Override
    public synchronized boolean upgradeHash(String id, String expectedHash, String newHash, String pepperId, AuditRecord audit) {
        KeyRecord r = rows.get(id);
        if (r == null || !r.secretHash().equals(expectedHash)) return false;
        replaceHash(id, expectedHash, newHash, pepperId);
        append(audit);
        return true;
    }

    @Override
    public synchronized Optional<KeyRecord> create(KeyRecord draft, long now, int maxActive,
            java.util.function.LongFunction<RuntimeException> tooFast, BinaryOperator<KeyRecord> fit, AuditRecord audit) {
        KeyRecord parent = draft.createdBy() == null ? null : rows.get(draft.createdBy());
        KeyRecord row = fit.apply(parent != null && parent.revokedAt() == null ? parent : null, draft);
        long active = rows.values().stream().filter(r -> r.userId().equals(row.userId()) && r.activeAt(now)).count();
        if (active >= maxActive) return Optional.empty();
        long recent = rows.values().stream()
                .filter(r -> r.userId().equals(row.userId()) && r.createdAt() > now - CREATION_WINDOW_SECONDS).count();
        if (recent >= (long) CREATIONS_PER_HOUR_PER_ACTIVE * maxActive) throw tooFast.apply(recent);
        if (rows.putIfAbsent(row.id(), row) != null) throw new IllegalStateException("duplicate key id " + row.id());
        append(audit);
        return Optional.of(row);
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public synchronized boolean updateExpiry(String id, @Nullable Long expiresAt, AuditRecord audit) {
        boolean[] changed = {false};
        rows.computeIfPresent(id, (k, r) -> {
            if (r.revokedAt() != null) return r;
            changed[0] = true;
            return r.withExpiresAt(expiresAt);
        });
        if (changed[0]) append(audit);
        return changed[0];
    }

    @Override
    public synchronized List<String> revokeTree(String id, long revokedAt, AuditRecord audit) {
        List<String> revoked = new ArrayList<>();
        for (KeyRecord r : lineage(id)) {
            if (r.revokedAt() == null) {
                rows.put(r.id(), r.withRevokedAt(revokedAt));
                revoked.add(r.id());
            }
        }
        if (!revoked.isEmpty()) audit.cascade("{\"revoked\":" + revoked.size() + "}", revoked, audit.via()).forEach(this::append);
        return List.copyOf(revoked);
    }

    /** The key and every key minted from it, however deep, parents before children. */
    private List<KeyRecord> lineage(String id) {
        List<KeyRecord> out = new ArrayList<>();
        Deque<String> todo = new ArrayDeque<>(List.of(id));
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            String next = todo.poll();
            KeyRecord r = seen.add(next) ? rows.get(next) : null;
            if (r == null) continue;
            out.add(r);
            for (KeyRecord child : rows.values()) if (next.equals(child.createdBy())) todo.add(child.id());
        }
        return out;
    }

    @Override
    public synchronized boolean delete(String id, AuditRecord audit) {
        KeyRecord gone = rows.remove(id);
        if (gone != null) append(audit.withUserId(gone.userId()));
        return gone != null;
    }

    @Override
    public void replaceHash(String id, String expectedHash, String newHash, @Nullable String pepperId) {
        rows.computeIfPresent(id, (k, r) -> r.secretHash().equals(expectedHash) ? r.withSecretHash(newHash, pepperId) : r);
    }

    @Override
    public List<String> recentPepperIds(int limit) {
        return rows.values().stream().filter(r -> r.revokedAt() == null)
                .sorted(java.util.Comparator.comparingLong(KeyRecord::createdAt).reversed())
                .limit(limit).map(KeyRecord::pepperId).collect(java.util.stream.Collectors.toList());
    }

    @Override
    public synchronized boolean rotate(String oldId, @Nullable Long oldExpiresAt, @Nullable Long oldRevokedAt, KeyRecord replacement,
            AuditRecord audit) {
        KeyRecord old = rows.get(oldId);
        if (old == null || old.revokedAt() != null) return false;
        if (rows.putIfAbsent(replacement.id(), replacement) != null) {
            throw new IllegalStateException("duplicate key id " + replacement.id());
        }
        rows.put(oldId, old.withExpiresAt(oldExpiresAt).withRevokedAt(oldRevokedAt).withOps(old.ops().withRotatedTo(replacement.id())));
        rows.replaceAll((k, r) -> oldId.equals(r.createdBy()) ? r.withCreatedBy(replacement.id()) : r);
        append(audit);
        append(audit.onSuccessor(replacement.id()));
        return true;
    }

    @Override
    public synchronized Spend spend(List<String> ids, long cost, long now) {
        List<KeyRecord> charged = new java.util.ArrayList<>(ids.size());
        Long fewest = null;
        for (String id : ids) {
            KeyRecord r = rows.get(id);
            if (r == null || r.limits().credits() == null) return new Spend(false, null, id);
            dev.pkauth.UsageLimits l = r.limits();
            long credits = java.util.Objects.requireNonNull(l.credits());
            Long refilledAt = r.lastRefillAt();
            if (l.refill() != null) {
                long since = refilledAt != null ? refilledAt : r.createdAt();
                long interval = l.refill().interval().toSeconds();
                if (now >= since + interval) {
                    credits = l.refill().amount();
                    refilledAt = now - Math.floorMod(now - since, interval);
                }
            }
            if (credits < cost) return new Spend(false, credits, id);
            charged.add(r.withLimits(new dev.pkauth.UsageLimits(l.rateLimit(), credits - cost, l.refill()), refilledAt));
            fewest = fewest == null ? credits - cost : Math.min(fewest, credits - cost);
        }
        for (KeyRecord r : charged) rows.put(r.id(), r);
        return new Spend(true, fewest, null);
    }

    @Override
    public synchronized void refund(List<String> ids, long credits) {
        for (String id : ids) {
            KeyRecord r = rows.get(id);
            if (r == null || r.limits().credits() == null) continue;
            dev.pkauth.UsageLimits l = r.limits();
            long back = java.util.Objects.requireNonNull(l.credits()) + credits;
            if (l.refill() != null) back = Math.min(back, l.refill().amount());
            rows.put(id, r.withLimits(new dev.pkauth.UsageLimits(l.rateLimit(), back, l.refill()), r.lastRefillAt()));
        }
    }

    @Override
    public @Nullable Long secondsToRefill(String id, long now) {
        KeyRecord r = rows.get(id);
        if (r == null || r.limits().refill() == null) return null;
        long since = r.lastRefillAt() != null ? r.lastRefillAt() : r.createdAt();
        return Math.max(1, since + r.limits().refill().interval().toSeconds() - now);
    }

    @Override
    public synchronized boolean setLimits(String id, dev.pkauth.UsageLimits limits, long now, AuditRecord audit) {
        KeyRecord r = rows.get(id);
        if (r == null || r.revokedAt() != null) return false;
        rows.put(id, r.withLimits(limits, limits.refill() == null ? null : now));
        append(audit);
        return true;
    }

    @Override
    public synchronized List<String> disableTree(String id, long at, String via, AuditRecord audit) {
        KeyRecord root = rows.get(id);
        if (root == null || root.revokedAt() != null || root.ops().disabledAt() != null) return List.of();
        List<String> changed = new ArrayList<>();
        for (KeyRecord r : lineage(id)) {
            if (r.revokedAt() == null && r.ops().disabledAt() == null) {
                KeyRecord.Ops o = r.ops();
                rows.put(r.id(), r.withOps(o.withDisabled(at, via)));
                changed.add(r.id());
            }
        }
        audit.cascade("{\"disabled\":" + changed.size() + "}", changed, audit.via()).forEach(this::append);
        return List.copyOf(changed);
    }

    @Override
    public synchronized List<String> enableTree(String id, List<String> vias, AuditRecord audit) {
        List<String> changed = new ArrayList<>();
        KeyRecord self = rows.get(id);
        for (KeyRecord up = self == null || self.createdBy() == null ? null : rows.get(self.createdBy()); up != null;
                up = up.createdBy() == null ? null : rows.get(up.createdBy())) {
            if (up.ops().disabledAt() != null) return List.of();
        }
        for (KeyRecord r : List.copyOf(rows.values())) {
            if (r.ops().disabledVia() != null && vias.contains(r.ops().disabledVia())) {
                KeyRecord.Ops o = r.ops();
                rows.put(r.id(), r.withOps(o.withDisabled(null, null)));
                changed.add(r.id());
            }
        }
        if (!changed.isEmpty()) audit.cascade("{\"enabled\":" + changed.size() + "}", changed, audit.via()).forEach(this::append);
        return List.copyOf(changed);
    }

    @Override
    public synchronized boolean setMetadata(String id, @Nullable String json, AuditRecord audit) {
        return changeOps(id, o -> o.withMetadata(json), audit);
    }

    @Override
    public synchronized boolean setAllowedIps(String id, @Nullable String cidrs, AuditRecord audit) {
        return changeOps(id, o -> o.withAllowedIps(cidrs), audit);
    }

    private boolean changeOps(String id, java.util.function.UnaryOperator<KeyRecord.Ops> change, AuditRecord audit) {
        KeyRecord r = rows.get(id);
        if (r == null || r.revokedAt() != null) return false;
        rows.put(id, r.withOps(change.apply(r.ops())));
        append(audit);
        return true;
    }

    @Override
    public synchronized List<String> revokeAll(String userId, long at, AuditRecord audit) {
        List<String> ids = new ArrayList<>();
        for (KeyRecord r : List.copyOf(rows.values())) {
            if (r.userId().equals(userId) && r.revokedAt() == null) {
                rows.put(r.id(), r.withRevokedAt(at));
                ids.add(r.id());
            }
        }
        audit.cascade("{\"revoked\":" + ids.size() + "}", ids, null).forEach(this::append);
        return List.copyOf(ids);
    }

    private static boolean matches(KeyRecord r, KeyFilter f) {
        if (f.userId() != null && !r.userId().equals(f.userId())) return false;
        boolean revoked = r.revokedAt() != null;
        boolean disabled = r.ops().disabledAt() != null;
        boolean expired = r.expiresAt() != null && r.expiresAt() <= f.now();
        if (f.status() != null) {
            boolean ok = switch (f.status()) {
                case "revoked" -> revoked;
                case "unrevoked" -> !revoked;
                case "disabled" -> !revoked && disabled;
                case "expired" -> !revoked && !disabled && expired;
                case "active" -> !revoked && !disabled && !expired && r.ops().rotatedTo() == null;
                case "rotated" -> !revoked && !disabled && !expired && r.ops().rotatedTo() != null;
                default -> throw new IllegalArgumentException("unknown status " + f.status());
            };
            if (!ok) return false;
        }
        if (f.expiringBefore() != null && (revoked || r.expiresAt() == null || r.expiresAt() <= f.now()
                || r.expiresAt() > f.expiringBefore())) {
            return false;
        }
        long used = r.lastUsedAt() != null ? r.lastUsedAt() : r.createdAt();
        return f.unusedBefore() == null || (!revoked && used < f.unusedBefore());
    }

    @Override
    public List<KeyRecord> query(KeyFilter filter, int limit, @Nullable Long afterCreatedAt, @Nullable String afterId) {
        return rows.values().stream()
                .filter(r -> matches(r, filter))
                .filter(r -> afterId == null || afterCreatedAt == null || r.createdAt() < afterCreatedAt
                        || (r.createdAt() == afterCreatedAt && r.id().compareTo(afterId) < 0))
                .sorted(NEWEST_FIRST)
                .limit(limit)
                .toList();
    }

    @Override
    public long count(KeyFilter filter) {
        return rows.values().stream().filter(r -> matches(r, filter)).count();
    }

    @Override
    public synchronized List<String> revokeUnused(long cutoff, long at, int batch, AuditRecord audit) {
        List<String> ids = rows.values().stream()
                .filter(r -> r.revokedAt() == null && (r.lastUsedAt() != null ? r.lastUsedAt() : r.createdAt()) < cutoff)
                .limit(batch).map(KeyRecord::id).toList();
        for (String id : ids) rows.computeIfPresent(id, (k, r) -> r.withRevokedAt(at));
        if (!ids.isEmpty()) {
            audit.cascade("{\"revoked\":" + ids.size() + ",\"unused_before\":" + cutoff + "}", ids,
                    "{\"unused_before\":" + cutoff + "}").forEach(this::append);
        }
        return ids;
    }

    private static boolean purgeable(KeyRecord r, long cutoff) {
        return r.revokedAt() != null ? r.revokedAt() < cutoff : r.expiresAt() != null && r.expiresAt() < cutoff;
    }

    @Override
    public long countPurgeable(long cutoff) {
        return rows.values().stream().filter(r -> purgeable(r, cutoff)).count();
    }

    @Override
    public synchronized int purgeBatch(long cutoff, int batch, AuditRecord audit) {
        List<String> ids = rows.values().stream().filter(r -> purgeable(r, cutoff)).limit(batch).map(KeyRecord::id).toList();
        audit.each(ids, "{\"ended_before\":" + cutoff + "}").forEach(this::append); // while each key's user can be read
        ids.forEach(rows::remove);
        if (!ids.isEmpty()) append(audit.withDetail("{\"deleted\":" + ids.size() + ",\"ended_before\":" + cutoff + "}"));
        return ids.size();
    }

    private final List<dev.pkauth.AuditEvent> auditLog = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void append(AuditRecord a) {
        if (a == null) return;
        String user = a.userId();
        if (user == null && a.keyId() != null && rows.get(a.keyId()) != null) user = rows.get(a.keyId()).userId();
        auditLog.add(new dev.pkauth.AuditEvent((long) auditLog.size() + 1, java.time.Instant.ofEpochSecond(a.at()),
                a.actor(), a.action(), a.keyId(), user, a.detail()));
    }

    @Override
    public List<dev.pkauth.AuditEvent> audit(@Nullable String keyId, @Nullable String userId, @Nullable Long since, int limit,
            @Nullable Long beforeId) {
        List<dev.pkauth.AuditEvent> out = new ArrayList<>();
        for (int i = auditLog.size() - 1; i >= 0 && out.size() < limit; i--) {
            dev.pkauth.AuditEvent e = auditLog.get(i);
            if (keyId != null && !keyId.equals(e.keyId())) continue;
            if (userId != null && !userId.equals(e.userId())) continue;
            if (since != null && e.at().getEpochSecond() < since) continue;
            if (beforeId != null && e.id() != null && e.id() >= beforeId) continue;
            out.add(e);
        }
        return List.copyOf(out);
    }

    @Override
    public void touch(Map<String, Touch> lastUsedById) {
        lastUsedById.forEach((id, t) -> rows.computeIfPresent(id, (k, r) ->
                r.revokedAt() == null && (r.lastUsedAt() == null || r.lastUsedAt() < t.at()) ? r.withLastUsed(t.at(), t.ip()) : r));
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
