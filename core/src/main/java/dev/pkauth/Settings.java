package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.util.List;
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
    /** The setting {@code jdbc-url} ({@code PKAUTH_JDBC_URL}). */
    public static final String JDBC_URL = "jdbc-url";
    /** The setting {@code jdbc-user} ({@code PKAUTH_JDBC_USER}). */
    public static final String JDBC_USER = "jdbc-user";
    /** The setting {@code jdbc-password} ({@code PKAUTH_JDBC_PASSWORD}). */
    public static final String JDBC_PASSWORD = "jdbc-password";
    /** The setting {@code table} ({@code PKAUTH_TABLE}). */
    public static final String TABLE = "table";
    /** The setting {@code pepper} ({@code PKAUTH_PEPPER}). */
    public static final String PEPPER = "pepper";
    /** The setting {@code pepper-previous} ({@code PKAUTH_PEPPER_PREVIOUS}). */
    public static final String PEPPER_PREVIOUS = "pepper-previous";
    /** The setting {@code require-pepper} ({@code PKAUTH_REQUIRE_PEPPER}). */
    public static final String REQUIRE_PEPPER = "require-pepper";
    /** The setting {@code realm} ({@code PKAUTH_REALM}). */
    public static final String REALM = "realm";
    /** The setting {@code pool-size} ({@code PKAUTH_POOL_SIZE}). */
    public static final String POOL_SIZE = "pool-size";
    /** The setting {@code touch-interval} ({@code PKAUTH_TOUCH_INTERVAL}). */
    public static final String TOUCH_INTERVAL = "touch-interval";
    /** The setting {@code cache-ttl} ({@code PKAUTH_CACHE_TTL}). */
    public static final String CACHE_TTL = "cache-ttl";
    /** The setting {@code query-timeout} ({@code PKAUTH_QUERY_TIMEOUT}). */
    public static final String QUERY_TIMEOUT = "query-timeout";
    /** The setting {@code account-table} ({@code PKAUTH_ACCOUNT_TABLE}). */
    public static final String ACCOUNT_TABLE = "account-table";
    /** The setting {@code account-key} ({@code PKAUTH_ACCOUNT_KEY}). */
    public static final String ACCOUNT_KEY = "account-key";
    /** The setting {@code account-key-previous} ({@code PKAUTH_ACCOUNT_KEY_PREVIOUS}). */
    public static final String ACCOUNT_KEY_PREVIOUS = "account-key-previous";
    /** The setting {@code max-keys-per-user} ({@code PKAUTH_MAX_KEYS_PER_USER}). */
    public static final String MAX_KEYS_PER_USER = "max-keys-per-user";
    /** The setting {@code default-rate-limit} ({@code PKAUTH_DEFAULT_RATE_LIMIT}). */
    public static final String DEFAULT_RATE_LIMIT = "default-rate-limit";
    /** The setting {@code failed-auth-limit} ({@code PKAUTH_FAILED_AUTH_LIMIT}). */
    public static final String FAILED_AUTH_LIMIT = "failed-auth-limit";

    /** The setting {@code max-key-lifetime} ({@code PKAUTH_MAX_KEY_LIFETIME}): see {@link KeyPolicy}. */
    public static final String MAX_KEY_LIFETIME = "max-key-lifetime";
    /** The setting {@code require-expiry} ({@code PKAUTH_REQUIRE_EXPIRY}): see {@link KeyPolicy}. */
    public static final String REQUIRE_EXPIRY = "require-expiry";
    /** The setting {@code require-limits} ({@code PKAUTH_REQUIRE_LIMITS}): see {@link KeyPolicy}. */
    public static final String REQUIRE_LIMITS = "require-limits";

    /** The setting {@code token-prefix} ({@code PKAUTH_TOKEN_PREFIX}): what new tokens start with, {@code pk} by default. */
    public static final String TOKEN_PREFIX = "token-prefix";
    /** The setting {@code token-prefix-previous} ({@code PKAUTH_TOKEN_PREFIX_PREVIOUS}): earlier prefixes, comma-separated, still verified. */
    public static final String TOKEN_PREFIX_PREVIOUS = "token-prefix-previous";
    /** The setting {@code leak-policy} ({@code PKAUTH_LEAK_POLICY}): {@code revoke} (default) or {@code notify}. */
    public static final String LEAK_POLICY = "leak-policy";
    /** The setting {@code github-keys-url} ({@code PKAUTH_GITHUB_KEYS_URL}): GitHub's secret scanning public keys. */
    public static final String GITHUB_KEYS_URL = "github-keys-url";
    /** The setting {@code gitlab-keys-url} ({@code PKAUTH_GITLAB_KEYS_URL}): GitLab's token revocation public keys. */
    public static final String GITLAB_KEYS_URL = "gitlab-keys-url";

    private static final String[] KNOWN = {
        JDBC_URL, JDBC_USER, JDBC_PASSWORD, TABLE, PEPPER, PEPPER_PREVIOUS, REQUIRE_PEPPER, REALM, POOL_SIZE,
        TOUCH_INTERVAL, CACHE_TTL, QUERY_TIMEOUT, ACCOUNT_TABLE, ACCOUNT_KEY, ACCOUNT_KEY_PREVIOUS, MAX_KEYS_PER_USER,
        DEFAULT_RATE_LIMIT, FAILED_AUTH_LIMIT, MAX_KEY_LIFETIME, REQUIRE_EXPIRY, REQUIRE_LIMITS,
        TOKEN_PREFIX, TOKEN_PREFIX_PREVIOUS, LEAK_POLICY, GITHUB_KEYS_URL, GITLAB_KEYS_URL
    };

    /** {@code ${NAME}} or {@code ${NAME:default}}, as Spring, Maven and shells write them. */
    private static final java.util.regex.Pattern PLACEHOLDER =
            java.util.regex.Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_.\\-]*)(?::[^}]*)?}");

    private final UnaryOperator<String> lookup;
    private final String source;

    private Settings(UnaryOperator<String> lookup, String source) {
        this.lookup = lookup;
        this.source = source;
    }

    /**
     * Every setting's name ({@code jdbc-url}, {@code pepper}, …), for integrations that refuse
     * names they do not know instead of ignoring them.
     *
     * @return the names, in the order the settings table documents them
     */
    public static List<String> names() {
        return List.of(KNOWN);
    }

    /**
     * Settings from {@code lookup}, which answers a name such as {@code jdbc-url} or {@code null}.
     *
     * @param lookup answers a name, or {@code null}
     * @return settings from {@code lookup}, which answers a name such as {@code jdbc-url} or {@code null}
     */
    public static Settings from(UnaryOperator<String> lookup) {
        return new Settings(Objects.requireNonNull(lookup, "lookup"), "custom");
    }

    /**
     * Settings from a map of names ({@code jdbc-url}) to values.
     *
     * @param values names to values
     * @return the settings
     */
    public static Settings of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new Settings(copy::get, "map");
    }

    /**
     * The process environment: {@code jdbc-url} is read from {@code PKAUTH_JDBC_URL}.
     *
     * @return settings read from the process environment
     */
    public static Settings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * An environment-style map ({@code PKAUTH_JDBC_URL=…}).
     *
     * @param environment the environment variables
     * @return an environment-style map ({@code PKAUTH_JDBC_URL=…})
     */
    public static Settings fromEnvironment(Map<String, String> environment) {
        Map<String, String> env = Map.copyOf(environment);
        return new Settings(name -> env.get(environmentName(name)), "environment");
    }

    /**
     * {@code jdbc-url} → {@code PKAUTH_JDBC_URL}.
     *
     * @param name the setting's name ({@code jdbc-url})
     * @return the environment variable's name: {@code PKAUTH_JDBC_URL} for {@code jdbc-url}
     */
    public static String environmentName(String name) {
        return "PKAUTH_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * The value of {@code name}, or {@code null} when unset or blank.
     *
     * @param name the setting's name ({@code jdbc-url})
     * @return the value of {@code name}, or {@code null} when unset or blank
     */
    public @Nullable String get(String name) {
        String v = lookup.apply(name);
        return v == null || v.isBlank() ? null : resolved(name, v.strip());
    }

    /**
     * The value of {@code name}, or {@code fallback} when unset or blank.
     *
     * @param name the setting's name ({@code jdbc-url})
     * @param fallback what an unset or blank value reads as
     * @return the value of {@code name}, or {@code fallback} when unset or blank
     */
    public String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    /**
     * The value of {@code name} exactly as given (not stripped), or {@code null} when unset or
     * empty. For secrets such as the pepper, where a stray space or newline must be refused rather
     * than silently trimmed by one reader and kept by another.
     *
     * @param name the setting's name ({@code jdbc-url})
     * @return the value exactly as given, or {@code null}
     */
    public @Nullable String raw(String name) {
        String v = lookup.apply(name);
        return v == null || v.isEmpty() ? null : resolved(name, v);
    }

    /**
     * Refuses a value that is a placeholder nobody resolved: Spring binds {@code ${PKAUTH_PEPPER}}
     * literally when the variable is unset, and a public string must never become the pepper (or
     * any other setting). Only the placeholder's name is echoed, never the rest of the value.
     */
    private String resolved(String name, String value) {
        java.util.regex.Matcher m = PLACEHOLDER.matcher(value);
        if (m.find()) {
            throw new IllegalStateException(describe(name) + " holds the placeholder ${" + m.group(1) + "}, which was "
                    + "not resolved: " + m.group(1) + " is not set where the application runs. Set it, or remove "
                    + "the setting");
        }
        return value;
    }

    /**
     * A boolean setting: {@code true/false}, {@code 1/0}, {@code yes/no} or {@code on/off} (any
     * case); {@code fallback} when unset.
     *
     * @param name the setting's name ({@code jdbc-url})
     * @param fallback what an unset or blank value reads as
     * @return the value, or {@code fallback} when unset
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
     * @param value the value
     * @return the boolean
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

    /**
     * How a user would name {@code name} in this source: {@code PKAUTH_PEPPER} in the environment.
     *
     * @param name the setting's name ({@code jdbc-url})
     * @return how a user would name {@code name} in this source
     */
    public String describe(String name) {
        return source.equals("environment") ? environmentName(name) : environmentName(name) + " (" + name + ")";
    }

    /**
     * These settings, and {@code other} for names these leave unset.
     *
     * @param other the settings for names these leave unset
     * @return these settings over {@code other}
     */
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
            String v = lookup.apply(name);
            if (v != null && !v.isBlank()) {
                b.append(sep).append(name);
                sep = ",";
            }
        }
        return b.append(']').toString();
    }
}
