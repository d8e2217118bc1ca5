package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.util.List;

/**
 * One page of keys, newest first, and the cursor of the next page.
 *
 * <pre>{@code
 * String after = null;
 * do {
 *     KeyPage page = store.list("alice", false, 100, after);
 *     page.keys().forEach(System.out::println);
 *     after = page.next();
 * } while (after != null);
 * }</pre>
 *
 * @param keys at most the page size requested
 * @param next an opaque cursor for the page after this one, or {@code null} when this is the last
 */
public record KeyPage(List<ApiKey> keys, @Nullable String next) {
    /**
     * Copies the keys.
     *
     * @param keys at most the page size requested
     * @param next an opaque cursor for the page after this one, or {@code null} when this is the last
     */
    public KeyPage {
        keys = List.copyOf(keys);
    }
}
