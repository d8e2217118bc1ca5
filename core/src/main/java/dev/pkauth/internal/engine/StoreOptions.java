package dev.pkauth.internal.engine;

import dev.pkauth.AuditListener;
import dev.pkauth.KeyPolicy;
import dev.pkauth.Settings;
import dev.pkauth.UsageLimits;

import org.jspecify.annotations.Nullable;
import dev.pkauth.internal.config.Options;
import dev.pkauth.internal.token.SecretHasher;
import dev.pkauth.internal.text.Validation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything an engine is built with, resolved once from what its builder was {@link Given given}
 * (which wins) and its {@link Settings}, with every default in this one place.
 *
 * @param table the key table
 * @param peppers the current pepper first, then previous ones
 * @param touchInterval at most one {@code last_used_at} write per key per this
 * @param clock the store's clock
 * @param executor runs background writes, or {@code null} for a daemon thread of the store's own
 * @param poolSize connections for verification lookups, or {@code null} for the backend's default
 * @param connectionTimeout the wait for a pooled connection
 * @param cacheTtl how long a row may be served from memory; zero turns the cache off
 * @param negativeCacheTtl how long an unknown id is remembered as unknown
 * @param cacheSize most rows cached
 * @param queryTimeout PostgreSQL's statement timeout for the store's pools; zero for none
 * @param maxKeysPerUser most active keys per user
 * @param defaultRateLimit the rate limit of keys without one, or {@code null}
 * @param failedAuthLimit rejected keys allowed per client address, or {@code null} for no such budget
 * @param keyPolicy what every key must meet
 * @param tokenFormat the prefix new tokens get and the earlier ones that still verify
 * @param legacyTokens other systems' token shapes looked up by their hash
 * @param auditListener told of committed management actions, or {@code null}
 * @param meterRegistry a Micrometer {@code MeterRegistry}, or {@code null}
 * @param migrate whether opening creates or upgrades the table
 */
public record StoreOptions(
        String table,
        List<String> peppers,
        Duration touchInterval,
        Clock clock,
        @Nullable Executor executor,
        @Nullable Integer poolSize,
        Duration connectionTimeout,
        Duration cacheTtl,
        Duration negativeCacheTtl,
        long cacheSize,
        Duration queryTimeout,
        int maxKeysPerUser,
        UsageLimits.@Nullable RateLimit defaultRateLimit,
        UsageLimits.@Nullable RateLimit failedAuthLimit,
        KeyPolicy keyPolicy,
        dev.pkauth.internal.token.TokenFormat tokenFormat,
        dev.pkauth.internal.token.LegacyTokens legacyTokens,
        @Nullable AuditListener auditListener,
        @Nullable Object meterRegistry,
        boolean migrate) {
    /** The logger every part of the engine writes to, named as users configure it. */
    public static final String LOGGER = "dev.pkauth.ApiKeyStore";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofSeconds(2);
    static final long DEFAULT_CACHE_SIZE = 100_000;
    /** Most keys (rate windows) and client addresses (rejected-key budgets) tracked in memory. */
    static final long MAX_TRACKED = 100_000;
    /** The shortest pepper {@code require-pepper} accepts. */
    static final int MIN_REQUIRED_PEPPER_BYTES = 32;
    /** Pylon's development pepper, so development databases of both verify alike. */
    public static final String DEVELOPMENT_PEPPER = "pylon-dev-api-key-pepper-not-for-production";
    private static final AtomicBoolean warnedDevelopmentPepper = new AtomicBoolean();

    public StoreOptions {
        peppers = List.copyOf(peppers);
    }

    /** Names the options without the peppers (a record's own {@code toString} would print them). */
    @Override
    public String toString() {
        return "StoreOptions[table=" + table + ", peppers=" + peppers.size() + " (not shown), tokenFormat=" + tokenFormat
                + ", cacheTtl=" + cacheTtl + ", maxKeysPerUser=" + maxKeysPerUser + ", keyPolicy=" + keyPolicy + "]";
    }

    /** Whether verification caches rows (and so watches the table for changes). */
    public boolean caches() {
        return !cacheTtl.isZero();
    }

    /** The pepper keys are hashed under now. */
    String currentPepper() {
        return peppers.get(0);
    }

    /**
     * The builder's options, else the settings', else the defaults.
     *
     * @throws IllegalStateException for a setting that cannot be used, naming it
     */
    public static StoreOptions resolve(Given b) {
        Settings s = b.settings != null ? b.settings : Settings.of(Map.of());
        String table = b.table != null ? b.table : Validation.table(Objects.requireNonNull(s.getOrDefault(Settings.TABLE)));
        Integer poolSize = b.poolSize != null ? b.poolSize
                : s.get(Settings.POOL_SIZE) == null ? null : Options.positive(s.get(Settings.POOL_SIZE), s.describe(Settings.POOL_SIZE));
        int maxKeys = b.maxKeysPerUser != null ? b.maxKeysPerUser
                : Options.positive(setting(s, Settings.MAX_KEYS_PER_USER), s.describe(Settings.MAX_KEYS_PER_USER));
        UsageLimits.RateLimit defaultRate = b.defaultRateLimit != null ? b.defaultRateLimit
                : s.get(Settings.DEFAULT_RATE_LIMIT) == null ? null
                : parseLimit(s, Settings.DEFAULT_RATE_LIMIT, Objects.requireNonNull(s.get(Settings.DEFAULT_RATE_LIMIT)));
        UsageLimits.RateLimit failedAuth;
        if (b.failedAuthLimit != null) {
            failedAuth = b.failedAuthLimit.orElse(null);
        } else {
            String limit = setting(s, Settings.FAILED_AUTH_LIMIT);
            failedAuth = limit.equalsIgnoreCase("off") ? null : parseLimit(s, Settings.FAILED_AUTH_LIMIT, limit);
        }
        Duration queryTimeout = b.queryTimeout != null ? b.queryTimeout
                : Options.notNegative(Settings.parseDurationOrMillis(setting(s, Settings.QUERY_TIMEOUT)), s.describe(Settings.QUERY_TIMEOUT));
        Duration cacheTtl = b.cacheTtl != null ? b.cacheTtl
                : Options.notNegative(Settings.parseDuration(setting(s, Settings.CACHE_TTL)), s.describe(Settings.CACHE_TTL));
        Duration touchInterval = b.touchInterval != null ? b.touchInterval
                : Options.notNegative(Settings.parseDuration(setting(s, Settings.TOUCH_INTERVAL)), s.describe(Settings.TOUCH_INTERVAL));
        Duration negativeTtl = b.negativeCacheTtl != null ? b.negativeCacheTtl : minimum(cacheTtl, DEFAULT_NEGATIVE_CACHE_TTL);
        KeyPolicy policy = b.keyPolicy != null ? b.keyPolicy : policy(s);
        return new StoreOptions(table, peppers(b, s), touchInterval, b.clock != null ? b.clock : Clock.systemUTC(), b.executor,
                poolSize, b.connectionTimeout != null ? b.connectionTimeout : Options.DEFAULT_CONNECTION_TIMEOUT,
                cacheTtl, negativeTtl, b.cacheSize != null ? b.cacheSize : DEFAULT_CACHE_SIZE, queryTimeout, maxKeys,
                defaultRate, failedAuth, policy, tokenFormat(b, s), legacyTokens(b, s), b.auditListener, b.meterRegistry, b.migrate);
    }

    public static dev.pkauth.internal.token.TokenFormat tokenFormat(Given b, Settings s) {
        String current = b.tokenPrefix != null ? b.tokenPrefix : setting(s, Settings.TOKEN_PREFIX);
        List<String> previous = b.previousTokenPrefixes != null ? b.previousTokenPrefixes
                : s.get(Settings.TOKEN_PREFIX_PREVIOUS) == null ? List.of()
                : List.of(s.get(Settings.TOKEN_PREFIX_PREVIOUS).split(",", -1));
        try {
            return new dev.pkauth.internal.token.TokenFormat(current, previous);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(s.describe(Settings.TOKEN_PREFIX) + " or " + s.describe(Settings.TOKEN_PREFIX_PREVIOUS)
                    + ": " + e.getMessage(), e);
        }
    }

    private static dev.pkauth.internal.token.LegacyTokens legacyTokens(Given b, Settings s) {
        String list = b.legacyTokens != null ? b.legacyTokens : s.get(Settings.LEGACY_TOKENS);
        try {
            return dev.pkauth.internal.token.LegacyTokens.parse(list);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(s.describe(Settings.LEGACY_TOKENS) + ": " + e.getMessage(), e);
        }
    }

    /** A setting with a declared default: its value, else that default. */
    private static String setting(Settings s, String name) {
        return Objects.requireNonNull(s.getOrDefault(name), name);
    }

    private static KeyPolicy policy(Settings s) {
        Duration max = null;
        if (s.get(Settings.MAX_KEY_LIFETIME) != null) {
            max = Settings.parseDuration(s.get(Settings.MAX_KEY_LIFETIME));
            if (max.isZero() || max.isNegative()) {
                throw new IllegalStateException(s.describe(Settings.MAX_KEY_LIFETIME) + " must be a positive duration such as 366d");
            }
        }
        boolean expiry = s.getBoolean(Settings.REQUIRE_EXPIRY, false);
        boolean limits = s.getBoolean(Settings.REQUIRE_LIMITS, false);
        String ceilings = s.get(Settings.SCOPE_MAX_LIFETIME);
        if (ceilings == null) return new KeyPolicy(max, expiry, limits);
        try {
            return new KeyPolicy(max, expiry, limits, KeyPolicy.parseScopeLifetimes(ceilings));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(s.describe(Settings.SCOPE_MAX_LIFETIME) + ": " + e.getMessage(), e);
        }
    }

    private static Duration minimum(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static UsageLimits.RateLimit parseLimit(Settings s, String name, String value) {
        try {
            return UsageLimits.RateLimit.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(s.describe(name) + ": " + e.getMessage(), e);
        }
    }

    /**
     * The current pepper first, then previous ones. Refuses what would silently weaken keys: a
     * required pepper that is missing, public or short; previous peppers without a current one
     * (they would re-hash every used key under the public development pepper); whitespace
     * around a pepper (one reader trims it, another does not, and they disagree on every key).
     */
    private static List<String> peppers(Given b, Settings s) {
        String current = b.pepper != null ? b.pepper : checkedPepper(s.raw(Settings.PEPPER), s.describe(Settings.PEPPER));
        List<String> previous = b.previousPeppers;
        if (previous == null) {
            String csv = s.raw(Settings.PEPPER_PREVIOUS);
            List<String> list = new ArrayList<>();
            if (csv != null) {
                for (String p : csv.split(",", -1)) {
                    list.add(checkedPepper(p, s.describe(Settings.PEPPER_PREVIOUS) + " (separate peppers with commas only)"));
                }
            }
            previous = list;
        }
        boolean require = b.requirePepper != null ? b.requirePepper : s.getBoolean(Settings.REQUIRE_PEPPER, false);
        String pepperName = Settings.environmentName(Settings.PEPPER);
        if (current == null && !previous.isEmpty()) {
            throw new IllegalStateException("previous peppers are set but no current pepper: set " + pepperName
                    + " (or call pepper(…)); without it every used key would be re-hashed under the public "
                    + "development pepper");
        }
        if (require) {
            if (current == null) {
                throw new IllegalStateException("no pepper is set and a pepper is required: set " + pepperName
                        + " (or call pepper(…)) to a random secret of at least " + MIN_REQUIRED_PEPPER_BYTES
                        + " bytes, e.g. openssl rand -base64 48");
            }
            if (current.equals(DEVELOPMENT_PEPPER)) {
                throw new IllegalStateException("a pepper is required but " + pepperName
                        + " is the public development pepper: set it to a random secret");
            }
            int bytes = current.getBytes(StandardCharsets.UTF_8).length;
            if (bytes < MIN_REQUIRED_PEPPER_BYTES) {
                throw new IllegalStateException("a pepper is required but " + pepperName + " is only " + bytes
                        + " bytes long: use a random secret of at least " + MIN_REQUIRED_PEPPER_BYTES
                        + " bytes, e.g. openssl rand -base64 48");
            }
            // A previous pepper that is public lets anyone who can write a row forge a key that
            // verifies, and is then re-hashed under the real pepper: never, when a pepper is required.
            if (previous.contains(DEVELOPMENT_PEPPER)) {
                throw new IllegalStateException("a pepper is required but " + Settings.environmentName(Settings.PEPPER_PREVIOUS)
                        + " holds the public development pepper: anyone could forge a key row that verifies under it. "
                        + "Remove it (keys minted under it must be minted again)");
            }
        } else if (current != null) {
            int bytes = current.getBytes(StandardCharsets.UTF_8).length;
            if (current.equals(DEVELOPMENT_PEPPER) || previous.contains(DEVELOPMENT_PEPPER)) {
                log.warn("pkauth: {} or {} is the public development pepper: keys hashed under it are NOT safe for "
                        + "production. Set {}=true in production to refuse this.", pepperName,
                        Settings.environmentName(Settings.PEPPER_PREVIOUS), Settings.environmentName(Settings.REQUIRE_PEPPER));
            } else if (bytes < MIN_REQUIRED_PEPPER_BYTES) {
                log.warn("pkauth: {} is only {} bytes long; use a random secret of at least {} bytes "
                        + "(e.g. openssl rand -base64 48). With {}=true this is refused.", pepperName, bytes,
                        MIN_REQUIRED_PEPPER_BYTES, Settings.environmentName(Settings.REQUIRE_PEPPER));
            }
        }
        if (current == null) {
            if (warnedDevelopmentPepper.compareAndSet(false, true)) {
                // Say what the builder was given: an exported PKAUTH_PEPPER it was never told to read is the usual surprise.
                String given = b.settings == null
                        ? (System.getenv(pepperName) != null
                                ? "the builder was given no pepper; " + pepperName + " is exported but the builder reads "
                                        + "the environment only through settings(Settings.fromEnvironment())"
                                : "the builder was given no pepper and no settings")
                        : "neither pepper(…) nor " + s.describe(Settings.PEPPER) + " is set";
                log.warn("pkauth: no pepper: {}; using the public development pepper. Keys minted now are NOT safe "
                        + "for production. Set {} and {}=true in production.",
                        given, pepperName, Settings.environmentName(Settings.REQUIRE_PEPPER));
            }
            current = DEVELOPMENT_PEPPER;
        }
        List<String> all = new ArrayList<>();
        all.add(current);
        for (String p : previous) if (!all.contains(p)) all.add(p);
        return all;
    }

    /** A pepper given in code: not empty, no whitespace around it. */
    public static String requirePepperValue(@Nullable String pepper) {
        if (pepper == null || pepper.isEmpty()) throw new IllegalArgumentException("a pepper must not be empty");
        try {
            return Objects.requireNonNull(checkedPepper(pepper, "pepper"));
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** {@code null} stays null (unset); whitespace around a pepper is refused, never trimmed. */
    private static @Nullable String checkedPepper(@Nullable String pepper, String what) {
        if (pepper == null) return null;
        if (pepper.isEmpty()) throw new IllegalStateException(what + ": a pepper must not be empty");
        if (!pepper.equals(pepper.strip())) {
            throw new IllegalStateException(what + ": the pepper has leading or trailing whitespace (a newline "
                    + "from a file or an echo?); remove it, since readers that trim and readers that do not would "
                    + "hash keys differently");
        }
        return pepper;
    }

    /** Whether keys verified under a previous pepper may move to the current one: never to the public development pepper. */
    boolean rehashAllowed() {
        return !currentPepper().equals(DEVELOPMENT_PEPPER);
    }

    /** The hasher of these peppers. */
    SecretHasher hasher() {
        return new SecretHasher(peppers);
    }
}
