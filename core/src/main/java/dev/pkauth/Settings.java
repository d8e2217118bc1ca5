package dev.pkauth;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * pkauth's configuration by name, from wherever the host keeps it. Names are lower-case with
 * dashes ({@value #JDBC_URL}, {@value #PEPPER}, …); in the environment the same names are
 * upper-case with underscores and a {@code PKAUTH_} prefix ({@code PKAUTH_JDBC_URL}); in web.xml
 * they are filter init-params, or context-params with a {@code pkauth.} prefix.
 *
 * <pre>{@code
 * ApiKeyStore store = ApiKeyStore.builder().settings(Settings.fromEnvironment()).build();
 * }</pre>
 *
 * {@link #toString()} lists which names are set, never their values.
 */
public final class Settings {
    public static final String JDBC_URL = "jdbc-url";
    public static final String JDBC_USER = "jdbc-user";
    public static final String JDBC_PASSWORD = "jdbc-password";
    public static final String TABLE = "table";
    public static final String PEPPER = "pepper";
    public static final String PEPPER_PREVIOUS = "pepper-previous";
    public static final String REQUIRE_PEPPER = "require-pepper";
    public static final String REALM = "realm";
    public static final String POOL_SIZE = "pool-size";
    public static final String TOUCH_INTERVAL = "touch-interval";
    public static final String CACHE_TTL = "cache-ttl";
    public static final String QUERY_TIMEOUT = "query-timeout";
    public static final String ACCOUNT_TABLE = "account-table";
    public static final String ACCOUNT_KEY = "account-key";
    public static final String ACCOUNT_KEY_PREVIOUS = "account-key-previous";
    public static final String MAX_KEYS_PER_USER = "max-keys-per-user";
    public static final String DEFAULT_RATE_LIMIT = "default-rate-limit";
    public static final String FAILED_AUTH_LIMIT = "failed-auth-limit";

    private static final String[] KNOWN = {
        JDBC_URL, JDBC_USER, JDBC_PASSWORD, TABLE, PEPPER, PEPPER_PREVIOUS, REQUIRE_PEPPER, REALM, POOL_SIZE,
        TOUCH_INTERVAL, CACHE_TTL, QUERY_TIMEOUT, ACCOUNT_TABLE, ACCOUNT_KEY, ACCOUNT_KEY_PREVIOUS, MAX_KEYS_PER_USER,
        DEFAULT_RATE_LIMIT, FAILED_AUTH_LIMIT
    };

    private final UnaryOperator<String> lookup;
    private final String source;

    private Settings(UnaryOperator<String> lookup, String source) {
        this.lookup = lookup;
        this.source = source;
    }

    /** Settings from {@code lookup}, which answers a name such as {@code jdbc-url} or {@code null}. */
    public static Settings from(UnaryOperator<String> lookup) {
        return new Settings(Objects.requireNonNull(lookup, "lookup"), "custom");
    }

    public static Settings of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new Settings(copy::get, "map");
    }

    /** The process environment: {@code jdbc-url} is read from {@code PKAUTH_JDBC_URL}. */
    public static Settings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** An environment-style map ({@code PKAUTH_JDBC_URL=…}). */
    public static Settings fromEnvironment(Map<String, String> environment) {
        Map<String, String> env = Map.copyOf(environment);
        return new Settings(name -> env.get(environmentName(name)), "environment");
    }

    /** {@code jdbc-url} → {@code PKAUTH_JDBC_URL}. */
    public static String environmentName(String name) {
        return "PKAUTH_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The value of {@code name}, or {@code null} when unset or blank. */
    public String get(String name) {
        String v = lookup.apply(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    public String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    /**
     * The value of {@code name} exactly as given (not stripped), or {@code null} when unset or
     * empty. For secrets such as the pepper, where a stray space or newline must be refused rather
     * than silently trimmed by one reader and kept by another.
     */
    public String raw(String name) {
        String v = lookup.apply(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * A boolean setting: {@code true/false}, {@code 1/0}, {@code yes/no} or {@code on/off} (any
     * case); {@code fallback} when unset.
     *
     * @throws IllegalStateException naming the setting when the value is anything else
     */
    public boolean getBoolean(String name, boolean fallback) {
        String v = get(name);
        return v == null ? fallback : parseBoolean(v, describe(name));
    }

    /**
     * Parses a boolean the way every pkauth setting, init-param and flag does: {@code true/false},
     * {@code 1/0}, {@code yes/no}, {@code on/off} in any case.
     *
     * @param what names the setting in the error message ({@code PKAUTH_REQUIRE_PEPPER})
     * @throws IllegalStateException when the value is none of those
     */
    public static boolean parseBoolean(String value, String what) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalStateException(what + " must be true or false (or 1/0, yes/no, on/off), was "
                    + dev.pkauth.internal.text.Validation.printable(value));
        };
    }

    /**
     * Parses a duration as operators write it in settings and on the command line: a whole number
     * with {@code s}, {@code m}, {@code h} or {@code d} ({@code 90d}, {@code 24h}, {@code 0s}).
     *
     * @param text the duration as written
     * @return the duration
     * @throws IllegalArgumentException with what was wrong and an example
     */
    public static java.time.Duration parseDuration(String text) {
        return dev.pkauth.internal.config.Durations.parse(text);
    }

    /**
     * {@link #parseDuration} that also takes milliseconds ({@code 750ms}), as {@code query-timeout} does.
     *
     * @param text the duration as written
     * @return the duration
     * @throws IllegalArgumentException with what was wrong and an example
     */
    public static java.time.Duration parseDurationOrMillis(String text) {
        return dev.pkauth.internal.config.Durations.parseMillis(text);
    }

    /**
     * A duration as {@link #parseDuration} reads it, in the largest unit that divides it ({@code 90d}, {@code 90s}).
     *
     * @param duration a whole number of seconds
     * @return its shortest spelling
     */
    public static String formatDuration(java.time.Duration duration) {
        return dev.pkauth.internal.config.Durations.format(duration);
    }

    /** How a user would name {@code name} in this source: {@code PKAUTH_PEPPER} in the environment. */
    public String describe(String name) {
        return source.equals("environment") ? environmentName(name) : environmentName(name) + " (" + name + ")";
    }

    /** These settings, and {@code other} for names these leave unset. */
    public Settings orElse(Settings other) {
        // Values pass through as given, so raw(…) of the whole sees what the source held.
        return new Settings(name -> {
            String v = lookup.apply(name);
            return v != null && !v.isBlank() ? v : other.lookup.apply(name);
        }, source + "+" + other.source);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Settings[").append(source).append(", set=");
        String sep = "";
        for (String name : KNOWN) {
            if (get(name) != null) {
                b.append(sep).append(name);
                sep = ",";
            }
        }
        return b.append(']').toString();
    }
}
