package dev.pkauth;

import java.time.Duration;

/**
 * An administrative listing of keys across users, newest first, in keyset pages.
 *
 * <pre>{@code
 * KeyPage stale = store.query(KeyQuery.allUsers().unusedFor(Duration.ofDays(90)).limit(100));
 * KeyPage soon = store.query(KeyQuery.allUsers().expiringWithin(Duration.ofDays(7)));
 * }</pre>
 *
 * @param userId one user's keys, or {@code null} for all
 * @param status only keys in this status now, or {@code null} for any
 * @param expiringWithin unrevoked keys expiring within this long from now, or {@code null}
 * @param unusedFor unrevoked keys not used (never-used: not created) for this long, or {@code null}
 * @param limit the page size, 1 to {@link ApiKeyStore#MAX_PAGE_SIZE}
 * @param after {@link KeyPage#next()} of the previous page, or {@code null}
 */
public record KeyQuery(String userId, ApiKey.Status status, Duration expiringWithin, Duration unusedFor, int limit,
        String after) {
    public static KeyQuery allUsers() {
        return new KeyQuery(null, null, null, null, 100, null);
    }

    public KeyQuery user(String user) {
        return new KeyQuery(user, status, expiringWithin, unusedFor, limit, after);
    }

    public KeyQuery status(ApiKey.Status s) {
        return new KeyQuery(userId, s, expiringWithin, unusedFor, limit, after);
    }

    public KeyQuery expiringWithin(Duration d) {
        return new KeyQuery(userId, status, d, unusedFor, limit, after);
    }

    public KeyQuery unusedFor(Duration d) {
        return new KeyQuery(userId, status, expiringWithin, d, limit, after);
    }

    public KeyQuery limit(int n) {
        return new KeyQuery(userId, status, expiringWithin, unusedFor, n, after);
    }

    public KeyQuery after(String cursor) {
        return new KeyQuery(userId, status, expiringWithin, unusedFor, limit, cursor);
    }
}
