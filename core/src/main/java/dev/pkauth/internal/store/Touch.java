package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * A use of a key to record as {@code last_used_at} and {@code last_used_ip}.
 *
 * @param at when, in Unix seconds
 * @param ip the client address, or {@code null} when unknown
 */
public record Touch(long at, @Nullable String ip) {
    /** The later of two uses. */
    static Touch later(Touch a, Touch b) {
        return a.at >= b.at ? a : b;
    }
}
