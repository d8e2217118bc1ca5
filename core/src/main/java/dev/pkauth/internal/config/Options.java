package dev.pkauth.internal.config;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.text.Validation;

import java.time.Duration;

/**
 * The rules every pkauth builder follows, once: each option may be set once, numbers and
 * durations are checked where they are given (a setter or a setting), and the connection
 * defaults both stores share.
 */
public final class Options {
    private Options() {}

    /** How long to wait for a pooled connection before the store is unavailable. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(1);
    /** PostgreSQL's statement timeout for the pools pkauth makes. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = dev.pkauth.Settings.parseDurationOrMillis(java.util.Objects.requireNonNull(
            dev.pkauth.Settings.option(dev.pkauth.Settings.QUERY_TIMEOUT).defaultValue()));
    /** The shortest connection timeout: HikariCP refuses less. */
    public static final Duration MIN_CONNECTION_TIMEOUT = Duration.ofMillis(250);

    /** @throws IllegalStateException when {@code current} is already set */
    public static void requireUnset(@Nullable Object current, String option) {
        if (current != null) throw new IllegalStateException(option + " was already set");
    }

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is below 1 */
    public static int positive(int value, String option) {
        if (value < 1) throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        return value;
    }

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is below 1 */
    public static long positive(long value, String option) {
        if (value < 1) throw new IllegalArgumentException(option + " must be at least 1, was " + value);
        return value;
    }

    /** A positive integer as written in a setting. @throws IllegalArgumentException naming {@code option} */
    public static int positive(String value, String option) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " must be a positive integer, was " + Validation.printable(value));
    }

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is negative */
    public static Duration notNegative(Duration value, String option) {
        if (value.isNegative()) throw new IllegalArgumentException(option + " must not be negative");
        return value;
    }

    /** @throws IllegalArgumentException naming {@code option} when {@code value} is under {@link #MIN_CONNECTION_TIMEOUT} */
    public static Duration connectionTimeout(Duration value, String option) {
        if (value.compareTo(MIN_CONNECTION_TIMEOUT) < 0) {
            throw new IllegalArgumentException(option + " must be at least " + MIN_CONNECTION_TIMEOUT.toMillis() + "ms");
        }
        return value;
    }
}
