package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.time.Duration;

/**
 * An administrative listing of keys across users, newest first, in keyset pages.
 *
 * <pre>{@code
 * KeyPage stale = store.operations().query(KeyQuery.allUsers().unusedFor(Duration.ofDays(90)).limit(100));
 * KeyPage soon = store.operations().query(KeyQuery.allUsers().expiringWithin(Duration.ofDays(7)));
 * }</pre>
 *
 * @param userId one user's keys, or {@code null} for all
 * @param status only keys in this status now, or {@code null} for any
 * @param expiringWithin unrevoked keys expiring within this long from now, or {@code null}
 * @param unusedFor unrevoked keys not used (never-used: not created) for this long, or {@code null}
 * @param limit the page size, 1 to {@link ApiKeyStore#MAX_PAGE_SIZE}
 * @param after {@link KeyPage#next()} of the previous page, or {@code null}
 */
public record KeyQuery(@Nullable String userId, ApiKey.@Nullable Status status, @Nullable Duration expiringWithin,
        @Nullable Duration unusedFor, int limit, @Nullable String after) {
    /**
     * Every user's keys, any status, a page of the default size.
     *
     * @return the query
     */
    public static KeyQuery allUsers() {
        return new KeyQuery(null, null, null, null, 100, null);
    }

    /**
     * Only {@code user}'s keys.
     *
     * @param user the owner's user id
     * @return a copy with that change
     */
    public KeyQuery user(String user) {
        return new KeyQuery(user, status, expiringWithin, unusedFor, limit, after);
    }

    /**
     * Only keys of status {@code s}.
     *
     * @param s the status
     * @return a copy with that change
     */
    public KeyQuery status(ApiKey.Status s) {
        return new KeyQuery(userId, s, expiringWithin, unusedFor, limit, after);
    }

    /**
     * Only keys expiring within {@code d} from now.
     *
     * @param d the duration
     * @return a copy with that change
     */
    public KeyQuery expiringWithin(Duration d) {
        return new KeyQuery(userId, status, d, unusedFor, limit, after);
    }

    /**
     * Only keys not used for {@code d} (a never-used key counts from its creation).
     *
     * @param d the duration
     * @return a copy with that change
     */
    public KeyQuery unusedFor(Duration d) {
        return new KeyQuery(userId, status, expiringWithin, d, limit, after);
    }

    /**
     * Pages of at most {@code n} keys, 1 to {@link ApiKeyStore#MAX_PAGE_SIZE}.
     *
     * @param n how many
     * @return a copy with that change
     */
    public KeyQuery limit(int n) {
        return new KeyQuery(userId, status, expiringWithin, unusedFor, n, after);
    }

    /**
     * The page after {@code cursor}.
     *
     * @param cursor the previous page's {@code next}
     * @return a copy with that change
     */
    public KeyQuery after(String cursor) {
        return new KeyQuery(userId, status, expiringWithin, unusedFor, limit, cursor);
    }
}
