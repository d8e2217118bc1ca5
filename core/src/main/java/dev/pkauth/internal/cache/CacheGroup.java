package dev.pkauth.internal.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caches of every store in this JVM that serve the same table of the same database, so a
 * revocation through any of them takes effect in all of them before it returns (for example the
 * separate stores of several web.xml filters). Other processes learn through the change watcher.
 */
public final class CacheGroup implements AutoCloseable {
    private static final ConcurrentHashMap<Object, Set<KeyCache<?>>> GROUPS = new ConcurrentHashMap<>();

    private final Object database;
    private final KeyCache<?> cache;
    private final Set<KeyCache<?>> members;

    private CacheGroup(Object database, KeyCache<?> cache) {
        this.database = database;
        this.cache = cache;
        this.members = GROUPS.compute(database, (k, set) -> {
            Set<KeyCache<?>> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(cache);
            return s;
        });
    }

    /** @param database equal for stores on the same table of the same database (such as URL and table) */
    public static CacheGroup join(Object database, KeyCache<?> cache) {
        return new CacheGroup(database, cache);
    }

    /** Drops {@code id} from every cache of the group. */
    public void invalidate(String id) {
        for (KeyCache<?> c : members) c.invalidate(id);
    }

    @Override
    public void close() {
        GROUPS.computeIfPresent(database, (k, set) -> {
            set.remove(cache);
            return set.isEmpty() ? null : set;
        });
    }
}
