package dev.pkauth.internal.metrics;

import dev.pkauth.internal.cache.KeyCache;

import dev.pkauth.Verification;

/**
 * What the store reports for metrics. {@link #NONE} when no registry was given, so Micrometer is
 * never loaded unless the application uses it (it is an optional dependency).
 */
public interface StoreMetrics {
    StoreMetrics NONE = new StoreMetrics() {};

    /** A verification answered: valid ({@code reason} null), invalid with a reason, or throttled. */
    default void verified(Verification v) {}

    /** A database lookup of a key took {@code nanos}. */
    default void lookup(long nanos) {}

    /** The database could not answer. */
    default void unavailable() {}

    /** {@code keys} last_used_at values were written. */
    default void touched(int keys) {}

    /** A usage limit refused a request: {@code rate}, {@code credits} or {@code failed_auth}. */
    default void limitHit(String limit) {}

    /** An imported key's foreign hash ({@code scheme}: argon2id, argon2i, bcrypt, sha256) was replaced by pkauth's HMAC. */
    default void hashUpgraded(String scheme) {}

    /** Makes the cache's hit and miss counts visible; called once when the store is built. */
    default void bindCache(KeyCache<?> cache) {}
}
