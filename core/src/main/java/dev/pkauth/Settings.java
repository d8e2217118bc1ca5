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
    /** The setting {@code scope-max-lifetime} ({@code PKAUTH_SCOPE_MAX_LIFETIME}): per-scope ceilings, see {@link KeyPolicy}. */
    public static final String SCOPE_MAX_LIFETIME = "scope-max-lifetime";

    /** The setting {@code token-prefix} ({@code PKAUTH_TOKEN_PREFIX}): what new tokens start with, {@code pk} by default. */
    public static final String TOKEN_PREFIX = "token-prefix";
    /** The setting {@code token-prefix-previous} ({@code PKAUTH_TOKEN_PREFIX_PREVIOUS}): earlier prefixes, comma-separated, still verified. */
    public static final String TOKEN_PREFIX_PREVIOUS = "token-prefix-previous";
    /**
     * The setting {@code legacy-tokens} ({@code PKAUTH_LEGACY_TOKENS}): token shapes of another
     * system, such as {@code ba_*} or {@code *}, looked up by their SHA-256 after an import.
     */
    public static final String LEGACY_TOKENS = "legacy-tokens";
    /** The setting {@code leak-policy} ({@code PKAUTH_LEAK_POLICY}): {@code revoke} (default) or {@code notify}. */
    public static final String LEAK_POLICY = "leak-policy";
    /** The setting {@code github-keys-url} ({@code PKAUTH_GITHUB_KEYS_URL}): GitHub's secret scanning public keys. */
    public static final String GITHUB_KEYS_URL = "github-keys-url";
    /** The setting {@code gitlab-keys-url} ({@code PKAUTH_GITLAB_KEYS_URL}): GitLab's token revocation public keys. */
    public static final String GITLAB_KEYS_URL = "gitlab-keys-url";

    /**
     * What a setting holds, and so how it is parsed: in {@link Settings}, by the builders, and as the
     * type a typed configuration (Spring's {@code pkauth.*} properties) binds it to.
     */
    public enum Kind {
        /** Text, checked by the option that reads it (a table name, a URL, a prefix). */
        TEXT,
        /** A secret (a pepper, a password, a key): never logged or shown, taken exactly as given. */
        SECRET,
        /** {@code true}/{@code false} (or {@code 1/0}, {@code yes/no}, {@code on/off}). */
        BOOLEAN,
        /** A positive whole number. */
        INTEGER,
        /** A duration: a whole number with {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}. */
        DURATION,
        /** A rate: {@code <requests>/<window>}, such as {@code 100/1m}. */
        RATE,
        /** A comma-separated list. */
        LIST
    }

    /**
     * One setting as pkauth declares it, once: its name, what it holds, its default and what it
     * does. The builders read settings by these names and fall back to these defaults; the README's
     * settings table and Spring's configuration metadata are generated from this table (and tests
     * fail when either differs from it).
     *
     * @param name the setting's name ({@code cache-ttl}); in the environment {@link #environmentName}
     * @param kind what it holds
     * @param defaultValue the default in the setting's own syntax ({@code 10s}), or {@code null} when
     *     there is none or it depends on more than this setting
     * @param defaultText the default as the documentation says it, when {@code defaultValue} cannot
     *     ({@code 4 (SQLite), 10 (PostgreSQL)}), else {@code null}
     * @param description what it does, in a sentence (Markdown code spans allowed)
     */
    public record Option(String name, Kind kind, @Nullable String defaultValue, @Nullable String defaultText,
            String description) {
        /**
         * The name in the environment.
         *
         * @return {@code PKAUTH_CACHE_TTL} for {@code cache-ttl}
         */
        public String environmentName() {
            return Settings.environmentName(name);
        }

        /**
         * The default as the documentation shows it.
         *
         * @return {@code defaultText}, else {@code defaultValue} as code, else {@code none}
         */
        public String documentedDefault() {
            if (defaultText != null) return defaultText;
            return defaultValue == null ? "none" : "`" + defaultValue + "`";
        }
    }

    private static final List<Option> OPTIONS = List.of(
        new Option(JDBC_URL, Kind.TEXT, null, "none: the library needs one (or a `DataSource`); the CLI reads "
                + "`jdbc:sqlite:pkauth.db` and the example `jdbc:sqlite:pkauth-example.db` when unset",
                "the key database: `jdbc:sqlite:…` or `jdbc:postgresql://…`"),
        new Option(JDBC_USER, Kind.TEXT, null, null, "PostgreSQL user"),
        new Option(JDBC_PASSWORD, Kind.SECRET, null, null, "PostgreSQL password"),
        new Option(TABLE, Kind.TEXT, "pkauth_api_keys", null, "table of keys, an SQL identifier"),
        new Option(PEPPER, Kind.SECRET, null, "development pepper + warning",
                "the HMAC key: a random secret of at least 32 bytes"),
        new Option(PEPPER_PREVIOUS, Kind.LIST, null, null,
                "older peppers, comma-separated: their keys still verify and are re-hashed under the current one"),
        new Option(REQUIRE_PEPPER, Kind.BOOLEAN, "false", null, "refuse to start without a real pepper (set it in production)"),
        new Option(REALM, Kind.TEXT, "api", null, "realm in `WWW-Authenticate` challenges"),
        new Option(POOL_SIZE, Kind.INTEGER, null, "4 (SQLite), 10 (PostgreSQL)",
                "connections for verification lookups (management has its own pool)"),
        new Option(TOUCH_INTERVAL, Kind.DURATION, "60s", null, "at most one `last_used_at` write per key per interval"),
        new Option(CACHE_TTL, Kind.DURATION, "10s", null,
                "how long a verified key may be served from memory; `0s` turns the cache off"),
        new Option(QUERY_TIMEOUT, Kind.DURATION, "750ms", null,
                "PostgreSQL: longest a statement may wait (locks included) before the request gets 503; `0s` for none"),
        new Option(ACCOUNT_TABLE, Kind.TEXT, "pkauth_accounts", null, "linked-accounts table"),
        new Option(ACCOUNT_KEY, Kind.SECRET, null, "none (plaintext)", "base64 256-bit key for provider tokens at rest"),
        new Option(ACCOUNT_KEY_PREVIOUS, Kind.LIST, null, null, "earlier account keys, comma-separated, still read"),
        new Option(MAX_KEYS_PER_USER, Kind.INTEGER, "100", null, "most active (unrevoked, unexpired) keys one user may "
                + "hold; a user may also create at most ten times as many keys (revoked ones included) in any hour, so "
                + "mint-and-revoke churn cannot grow the table without bound (409 `too_many_keys`, like the cap)"),
        new Option(DEFAULT_RATE_LIMIT, Kind.RATE, null, null, "rate limit of keys without their own, such as `1000/1m`"),
        new Option(FAILED_AUTH_LIMIT, Kind.RATE, "20/1m", null,
                "rejected keys one client address may present per window before lookups stop; `off` turns it off"),
        new Option(MAX_KEY_LIFETIME, Kind.DURATION, null, null,
                "key policy: the longest a key may live from its creation, such as `366d` (implies an expiry)"),
        new Option(REQUIRE_EXPIRY, Kind.BOOLEAN, "false", null, "key policy: every key must expire"),
        new Option(REQUIRE_LIMITS, Kind.BOOLEAN, "false", null,
                "key policy: every key must carry a rate limit or credits of its own"),
        new Option(SCOPE_MAX_LIFETIME, Kind.LIST, null, null, "key policy: per-scope ceilings, such as "
                + "`admin:*=7d,billing:write=30d`: a key holding a matching scope must expire within that long"),
        new Option(TOKEN_PREFIX, Kind.TEXT, "pk", null, "the prefix of new tokens (2–16 characters, `[a-z][a-z0-9]*`): "
                + "register its pattern with secret scanners"),
        new Option(TOKEN_PREFIX_PREVIOUS, Kind.LIST, null, null, "earlier prefixes, comma-separated, whose keys still verify"),
        new Option(LEGACY_TOKENS, Kind.LIST, null, null, "imported keys' token shapes without a pkauth id, comma-separated: "
                + "a prefix and `*` (`ba_*`), or `*` for tokens with no prefix; looked up by their SHA-256"),
        new Option(LEAK_POLICY, Kind.TEXT, "revoke", null, "what a leak report of a live key does: `revoke` or `notify`"),
        new Option(GITHUB_KEYS_URL, Kind.TEXT, "https://api.github.com/meta/public_keys/secret_scanning", null,
                "where GitHub publishes its secret scanning signing keys"),
        new Option(GITLAB_KEYS_URL, Kind.TEXT, null, "none: GitLab reports answer 404",
                "where GitLab publishes its token revocation signing keys"));

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
        return OPTIONS.stream().map(Option::name).toList();
    }

    /**
     * Every setting as pkauth declares it: name, kind, default and description, in the order the
     * settings table documents them.
     *
     * @return the option table
     */
    public static List<Option> options() {
        return OPTIONS;
    }

    /**
     * The setting called {@code name}.
     *
     * @param name the setting's name ({@code cache-ttl})
     * @return its declaration
     * @throws IllegalArgumentException when pkauth has no such setting
     */
    public static Option option(String name) {
        for (Option o : OPTIONS) if (o.name().equals(name)) return o;
        throw new IllegalArgumentException("no pkauth setting is called " + name);
    }

    /**
     * The value of {@code name}, or its declared default when unset or blank.
     *
     * @param name the setting's name ({@code cache-ttl})
     * @return the value or the default, or {@code null} when neither is set
     */
    public @Nullable String getOrDefault(String name) {
        String v = get(name);
        return v != null ? v : option(name).defaultValue();
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
        for (Option o : OPTIONS) {
            String name = o.name();
            String v = lookup.apply(name);
            if (v != null && !v.isBlank()) {
                b.append(sep).append(name);
                sep = ",";
            }
        }
        return b.append(']').toString();
    }
}
