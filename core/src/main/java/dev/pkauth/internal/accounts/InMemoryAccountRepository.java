package dev.pkauth.internal.accounts;

import org.jspecify.annotations.Nullable;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Linked accounts in a map, keyed by provider and account id: for tests and ephemeral processes. */
public final class InMemoryAccountRepository implements AccountRepository {
    private final Map<String, AccountRecord> rows = new ConcurrentHashMap<>();

    private static String key(String providerId, String accountId) {
        return providerId + '\u0000' + accountId;
    }

    @Override
    public void migrate() {}

    @Override
    public synchronized AccountRecord upsert(AccountRecord a, boolean moveUser) {
        AccountRecord existing = rows.get(key(a.providerId(), a.accountId()));
        if (existing != null && !moveUser && !existing.userId().equals(a.userId())) throw AccountRecord.linkedElsewhere(a);
        return rows.merge(key(a.providerId(), a.accountId()), a, (old, fresh) -> new AccountRecord(old.id(), fresh.userId(),
                fresh.providerId(), fresh.accountId(), fresh.accessToken(), fresh.refreshToken(), fresh.idToken(),
                fresh.accessTokenExpiresAt(), fresh.refreshTokenExpiresAt(), fresh.scope(), fresh.password(),
                old.createdAt(), fresh.updatedAt()));
    }

    @Override
    public Optional<AccountRecord> find(String providerId, String accountId) {
        return Optional.ofNullable(rows.get(key(providerId, accountId)));
    }

    @Override
    public List<AccountRecord> listByUser(String userId) {
        return rows.values().stream().filter(r -> r.userId().equals(userId))
                .sorted(Comparator.comparing(AccountRecord::providerId).thenComparing(AccountRecord::accountId)).toList();
    }

    @Override
    public List<AccountRecord> listAll(String afterId, int limit) {
        return rows.values().stream().filter(r -> afterId == null || r.id().compareTo(afterId) > 0)
                .sorted(Comparator.comparing(AccountRecord::id)).limit(limit).toList();
    }

    @Override
    public boolean delete(String providerId, String accountId) {
        return rows.remove(key(providerId, accountId)) != null;
    }

    @Override
    public long countLegacySealed() {
        return rows.values().stream().filter(AccountRecord::sealedLegacy).count();
    }

    @Override
    public synchronized boolean reseal(AccountRecord row, @Nullable String access, @Nullable String refresh, @Nullable String id) {
        String k = key(row.providerId(), row.accountId());
        AccountRecord now = rows.get(k);
        if (now == null || !now.id().equals(row.id()) || !java.util.Objects.equals(now.accessToken(), row.accessToken())
                || !java.util.Objects.equals(now.refreshToken(), row.refreshToken())
                || !java.util.Objects.equals(now.idToken(), row.idToken())) {
            return false;
        }
        rows.put(k, new AccountRecord(now.id(), now.userId(), now.providerId(), now.accountId(), access, refresh, id,
                now.accessTokenExpiresAt(), now.refreshTokenExpiresAt(), now.scope(), now.password(), now.createdAt(),
                now.updatedAt()));
        return true;
    }

    @Override
    public void close() {
        rows.clear();
    }
}
