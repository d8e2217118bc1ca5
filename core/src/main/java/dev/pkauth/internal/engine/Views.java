package dev.pkauth.internal.engine;

import dev.pkauth.ApiKey;
import dev.pkauth.IpAllowlist;
import dev.pkauth.KeyPage;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.text.Validation;
import dev.pkauth.internal.token.Tokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** How rows are shown: a row as an {@link ApiKey}, rows as a page and its cursor, times as seconds. */
public final class Views {
    /** The largest page a list, a query or the audit log returns. */
    public static final int MAX_PAGE_SIZE = 500;

    private Views() {}

    /** The public metadata of a row. */
    public static ApiKey toApiKey(KeyRecord r) {
        return new ApiKey(r.id(), r.userId(), r.name(), r.prefix().isEmpty() ? Tokens.prefixOfId(r.id()) : r.prefix(),
                r.scopes(), instant(r.expiresAt()), instant(r.lastUsedAt()), Instant.ofEpochSecond(r.createdAt()),
                instant(r.revokedAt()), r.createdBy(), r.limits(), instant(r.ops().disabledAt()), r.ops().metadata(),
                r.ops().allowedIps() == null ? null : IpAllowlist.parse(r.ops().allowedIps()), r.ops().lastUsedIp(),
                r.ops().createdActor(), r.ops().rotatedTo());
    }

    private static @Nullable Instant instant(@Nullable Long seconds) {
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }

    /** @throws IllegalArgumentException naming {@code what} unless 1 ≤ {@code limit} ≤ {@link #MAX_PAGE_SIZE} */
    static void checkPageSize(int limit, String what) {
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_PAGE_SIZE + ", was " + limit);
        }
    }

    /** A keyset position: the creation second and id of the last key of a page ({@code 1767225600.key_…}). */
    record Cursor(long createdAt, String id) {
        static @Nullable Cursor parse(@Nullable String text) {
            if (text == null) return null;
            int dot = text.indexOf('.');
            try {
                String id = text.substring(dot + 1);
                if (dot > 0 && Tokens.isWellFormedId(id)) return new Cursor(Long.parseLong(text.substring(0, dot)), id);
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // reported below
            }
            throw new IllegalArgumentException("not a page cursor: " + Validation.printable(text));
        }
    }

    /** The first {@code limit} rows as a page; a further row means there is a next page. */
    static KeyPage page(List<KeyRecord> rows, int limit) {
        List<ApiKey> keys = new ArrayList<>(Math.min(rows.size(), limit));
        for (int i = 0; i < rows.size() && i < limit; i++) keys.add(toApiKey(rows.get(i)));
        String next = null;
        if (rows.size() > limit) {
            KeyRecord last = rows.get(limit - 1);
            next = last.createdAt() + "." + last.id();
        }
        return new KeyPage(keys, next);
    }

    /** An expiry in Unix seconds. @throws IllegalArgumentException unless after {@code now} */
    static @Nullable Long futureSeconds(@Nullable Instant at, long now) {
        if (at == null) return null;
        long seconds = at.getEpochSecond();
        if (seconds <= now) {
            throw new IllegalArgumentException("expiry must be in the future: " + at + " is not after "
                    + Instant.ofEpochSecond(now));
        }
        return seconds;
    }

    /** {@code a + b}, or {@link Long#MAX_VALUE} when that overflows. */
    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
