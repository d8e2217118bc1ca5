package dev.pkauth.spring;

import dev.pkauth.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code pkauth.*} properties: pkauth's settings ({@link Settings#options()}, the one table that
 * declares each one's name, kind, default and meaning) under their own names, typed by their kind
 * ({@code Duration}, {@code Integer}, {@code Boolean}), and bound through Spring's relaxed binding
 * from the {@code PKAUTH_*} environment variables too; and the starter's own paths. The IDE
 * metadata ({@code META-INF/additional-spring-configuration-metadata.json}) is generated from the
 * same table, and a test fails when it, or a type here, differs. Values reach pkauth as
 * {@link Settings}, so they are checked (and refused with the same messages) as everywhere else.
 * This class has no {@code toString}: it holds the pepper and the database password.
 */
// ignoreUnknownFields = false: a misspelled pkauth.require-peper must fail the start, not be
// ignored. Spring leaves environment variables and system properties out of that check, so an
// unrelated PKAUTH_* variable cannot stop an application.
@ConfigurationProperties(prefix = "pkauth", ignoreUnknownFields = false)
public class PkauthProperties {
    /** Settings of the option table the starter does not bind: linked accounts are not auto-configured. */
    static final List<String> NOT_BOUND = List.of(Settings.ACCOUNT_TABLE, Settings.ACCOUNT_KEY, Settings.ACCOUNT_KEY_PREVIOUS);

    /** The starter's own properties (where it serves its endpoints), declared here and nowhere else: name, then meaning. */
    static final Map<String, String> SPRING_ONLY = orderedPairs(
            "keys-path", "Where to serve the self-service key endpoints (e.g. /api/keys); unset serves none",
            "leaks-path", "Where to receive leak reports (e.g. /leaks: POST /leaks/github and /leaks/gitlab); unset receives none",
            "key-status-path", "Where to serve the validity probe for scanners (e.g. /keys/status); unset serves none",
            "console.enabled", "Whether to serve the API keys page for signed-in users (it calls pkauth.keys-path, which must be set)",
            "console.path", "Where to serve the API keys page when pkauth.console.enabled is true");

    /** Every property this class binds, under {@code pkauth.}: for the message that names the nearest one. */
    static final List<String> NAMES = names();

    private @Nullable String jdbcUrl;
    private @Nullable String jdbcUser;
    private @Nullable String jdbcPassword;
    private @Nullable String table;
    private @Nullable String pepper;
    private @Nullable String pepperPrevious;
    private @Nullable Boolean requirePepper;
    private @Nullable String realm;
    private @Nullable Integer poolSize;
    private @Nullable Duration touchInterval;
    private @Nullable Duration cacheTtl;
    private @Nullable Duration queryTimeout;
    private @Nullable Integer maxKeysPerUser;
    private @Nullable String defaultRateLimit;
    private @Nullable String failedAuthLimit;
    private @Nullable Duration maxKeyLifetime;
    private @Nullable Boolean requireExpiry;
    private @Nullable Boolean requireLimits;
    private @Nullable String tokenPrefix;
    private @Nullable String tokenPrefixPrevious;
    private @Nullable String legacyTokens;
    private @Nullable String scopeMaxLifetime;
    private @Nullable String leakPolicy;
    private @Nullable String githubKeysUrl;
    private @Nullable String gitlabKeysUrl;
    private @Nullable String keysPath;
    private @Nullable String leaksPath;
    private @Nullable String keyStatusPath;
    private final Console console = new Console();

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Settings.Option o : Settings.options()) if (!NOT_BOUND.contains(o.name())) names.add(o.name());
        names.addAll(SPRING_ONLY.keySet());
        return List.copyOf(names);
    }

    private static Map<String, String> orderedPairs(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put(pairs[i], pairs[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * These properties as pkauth {@link Settings}; unset ones are absent.
     *
     * @return these properties as pkauth settings
     * @throws IllegalStateException for a duration that pkauth's setting cannot take, naming it
     */
    public Settings toSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, Settings.JDBC_URL, jdbcUrl);
        put(m, Settings.JDBC_USER, jdbcUser);
        put(m, Settings.JDBC_PASSWORD, jdbcPassword);
        put(m, Settings.TABLE, table);
        put(m, Settings.PEPPER, pepper);
        put(m, Settings.PEPPER_PREVIOUS, pepperPrevious);
        put(m, Settings.REQUIRE_PEPPER, requirePepper == null ? null : requirePepper.toString());
        put(m, Settings.REALM, realm);
        put(m, Settings.POOL_SIZE, poolSize == null ? null : poolSize.toString());
        put(m, Settings.TOUCH_INTERVAL, touchInterval == null ? null : seconds(Settings.TOUCH_INTERVAL, touchInterval));
        put(m, Settings.CACHE_TTL, cacheTtl == null ? null : seconds(Settings.CACHE_TTL, cacheTtl));
        put(m, Settings.QUERY_TIMEOUT, queryTimeout == null ? null : millis(queryTimeout));
        put(m, Settings.MAX_KEYS_PER_USER, maxKeysPerUser == null ? null : maxKeysPerUser.toString());
        put(m, Settings.DEFAULT_RATE_LIMIT, defaultRateLimit);
        put(m, Settings.FAILED_AUTH_LIMIT, failedAuthLimit);
        put(m, Settings.MAX_KEY_LIFETIME, maxKeyLifetime == null ? null : seconds(Settings.MAX_KEY_LIFETIME, maxKeyLifetime));
        put(m, Settings.REQUIRE_EXPIRY, requireExpiry == null ? null : requireExpiry.toString());
        put(m, Settings.REQUIRE_LIMITS, requireLimits == null ? null : requireLimits.toString());
        put(m, Settings.TOKEN_PREFIX, tokenPrefix);
        put(m, Settings.TOKEN_PREFIX_PREVIOUS, tokenPrefixPrevious);
        put(m, Settings.LEGACY_TOKENS, legacyTokens);
        put(m, Settings.SCOPE_MAX_LIFETIME, scopeMaxLifetime);
        put(m, Settings.LEAK_POLICY, leakPolicy);
        put(m, Settings.GITHUB_KEYS_URL, githubKeysUrl);
        put(m, Settings.GITLAB_KEYS_URL, gitlabKeysUrl);
        return Settings.of(m);
    }

    private static void put(Map<String, String> m, String name, @Nullable String value) {
        if (value != null) m.put(name, value);
    }

    /** A duration of whole seconds in pkauth's spelling ({@code 90d}); anything finer is refused, not rounded. */
    private static String seconds(String name, Duration d) {
        if (d.isNegative() || d.getNano() != 0) {
            throw new IllegalStateException("pkauth." + name + " must be a whole number of seconds (such as 10s), was " + d);
        }
        return Settings.formatDuration(d);
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    /** @return the realm of challenges, {@code api} when unset */
    public String realmOrDefault() {
        return realm == null ? dev.pkauth.http.Deployment.DEFAULT_REALM : realm;
    }

    /**
     * The value of {@code pkauth.jdbc-url}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getJdbcUrl() { return jdbcUrl; }
    /**
     * Sets {@code pkauth.jdbc-url}.
     *
     * @param jdbcUrl the value
     */
    public void setJdbcUrl(@Nullable String jdbcUrl) { this.jdbcUrl = jdbcUrl; }
    /**
     * The value of {@code pkauth.jdbc-user}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getJdbcUser() { return jdbcUser; }
    /**
     * Sets {@code pkauth.jdbc-user}.
     *
     * @param jdbcUser the value
     */
    public void setJdbcUser(@Nullable String jdbcUser) { this.jdbcUser = jdbcUser; }
    /**
     * The value of {@code pkauth.jdbc-password}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getJdbcPassword() { return jdbcPassword; }
    /**
     * Sets {@code pkauth.jdbc-password}.
     *
     * @param jdbcPassword the value
     */
    public void setJdbcPassword(@Nullable String jdbcPassword) { this.jdbcPassword = jdbcPassword; }
    /**
     * The value of {@code pkauth.table}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getTable() { return table; }
    /**
     * Sets {@code pkauth.table}.
     *
     * @param table the value
     */
    public void setTable(@Nullable String table) { this.table = table; }
    /**
     * The value of {@code pkauth.pepper}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getPepper() { return pepper; }
    /**
     * Sets {@code pkauth.pepper}.
     *
     * @param pepper the value
     */
    public void setPepper(@Nullable String pepper) { this.pepper = pepper; }
    /**
     * The value of {@code pkauth.pepper-previous}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getPepperPrevious() { return pepperPrevious; }
    /**
     * Sets {@code pkauth.pepper-previous}.
     *
     * @param pepperPrevious the value
     */
    public void setPepperPrevious(@Nullable String pepperPrevious) { this.pepperPrevious = pepperPrevious; }
    /**
     * The value of {@code pkauth.require-pepper}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Boolean getRequirePepper() { return requirePepper; }
    /**
     * Sets {@code pkauth.require-pepper}.
     *
     * @param requirePepper the value
     */
    public void setRequirePepper(@Nullable Boolean requirePepper) { this.requirePepper = requirePepper; }
    /**
     * The value of {@code pkauth.realm}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getRealm() { return realm; }
    /**
     * Sets {@code pkauth.realm}.
     *
     * @param realm the value
     */
    public void setRealm(@Nullable String realm) { this.realm = realm; }
    /**
     * The value of {@code pkauth.pool-size}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Integer getPoolSize() { return poolSize; }
    /**
     * Sets {@code pkauth.pool-size}.
     *
     * @param poolSize the value
     */
    public void setPoolSize(@Nullable Integer poolSize) { this.poolSize = poolSize; }
    /**
     * The value of {@code pkauth.touch-interval}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Duration getTouchInterval() { return touchInterval; }
    /**
     * Sets {@code pkauth.touch-interval}.
     *
     * @param touchInterval the value
     */
    public void setTouchInterval(@Nullable Duration touchInterval) { this.touchInterval = touchInterval; }
    /**
     * The value of {@code pkauth.cache-ttl}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Duration getCacheTtl() { return cacheTtl; }
    /**
     * Sets {@code pkauth.cache-ttl}.
     *
     * @param cacheTtl the value
     */
    public void setCacheTtl(@Nullable Duration cacheTtl) { this.cacheTtl = cacheTtl; }
    /**
     * The value of {@code pkauth.query-timeout}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Duration getQueryTimeout() { return queryTimeout; }
    /**
     * Sets {@code pkauth.query-timeout}.
     *
     * @param queryTimeout the value
     */
    public void setQueryTimeout(@Nullable Duration queryTimeout) { this.queryTimeout = queryTimeout; }
    /**
     * The value of {@code pkauth.max-keys-per-user}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Integer getMaxKeysPerUser() { return maxKeysPerUser; }
    /**
     * Sets {@code pkauth.max-keys-per-user}.
     *
     * @param maxKeysPerUser the value
     */
    public void setMaxKeysPerUser(@Nullable Integer maxKeysPerUser) { this.maxKeysPerUser = maxKeysPerUser; }
    /**
     * The value of {@code pkauth.default-rate-limit}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getDefaultRateLimit() { return defaultRateLimit; }
    /**
     * Sets {@code pkauth.default-rate-limit}.
     *
     * @param defaultRateLimit the value
     */
    public void setDefaultRateLimit(@Nullable String defaultRateLimit) { this.defaultRateLimit = defaultRateLimit; }
    /**
     * The value of {@code pkauth.failed-auth-limit}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getFailedAuthLimit() { return failedAuthLimit; }
    /**
     * Sets {@code pkauth.failed-auth-limit}.
     *
     * @param failedAuthLimit the value
     */
    public void setFailedAuthLimit(@Nullable String failedAuthLimit) { this.failedAuthLimit = failedAuthLimit; }
    /**
     * The value of {@code pkauth.max-key-lifetime}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Duration getMaxKeyLifetime() { return maxKeyLifetime; }
    /**
     * Sets {@code pkauth.max-key-lifetime}.
     *
     * @param maxKeyLifetime the value
     */
    public void setMaxKeyLifetime(@Nullable Duration maxKeyLifetime) { this.maxKeyLifetime = maxKeyLifetime; }
    /**
     * The value of {@code pkauth.require-expiry}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Boolean getRequireExpiry() { return requireExpiry; }
    /**
     * Sets {@code pkauth.require-expiry}.
     *
     * @param requireExpiry the value
     */
    public void setRequireExpiry(@Nullable Boolean requireExpiry) { this.requireExpiry = requireExpiry; }
    /**
     * The value of {@code pkauth.require-limits}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable Boolean getRequireLimits() { return requireLimits; }
    /**
     * Sets {@code pkauth.require-limits}.
     *
     * @param requireLimits the value
     */
    public void setRequireLimits(@Nullable Boolean requireLimits) { this.requireLimits = requireLimits; }
    /**
     * The value of {@code pkauth.token-prefix}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getTokenPrefix() { return tokenPrefix; }
    /**
     * Sets {@code pkauth.token-prefix}.
     *
     * @param tokenPrefix the value
     */
    public void setTokenPrefix(@Nullable String tokenPrefix) { this.tokenPrefix = tokenPrefix; }
    /**
     * The value of {@code pkauth.token-prefix-previous}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getTokenPrefixPrevious() { return tokenPrefixPrevious; }
    /**
     * Sets {@code pkauth.token-prefix-previous}.
     *
     * @param tokenPrefixPrevious the value
     */
    public void setTokenPrefixPrevious(@Nullable String tokenPrefixPrevious) { this.tokenPrefixPrevious = tokenPrefixPrevious; }
    /**
     * The value of {@code pkauth.legacy-tokens}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getLegacyTokens() { return legacyTokens; }
    /**
     * Sets {@code pkauth.legacy-tokens}.
     *
     * @param legacyTokens the value
     */
    public void setLegacyTokens(@Nullable String legacyTokens) { this.legacyTokens = legacyTokens; }
    /**
     * The value of {@code pkauth.scope-max-lifetime}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getScopeMaxLifetime() { return scopeMaxLifetime; }
    /**
     * Sets {@code pkauth.scope-max-lifetime}.
     *
     * @param scopeMaxLifetime the value
     */
    public void setScopeMaxLifetime(@Nullable String scopeMaxLifetime) { this.scopeMaxLifetime = scopeMaxLifetime; }
    /**
     * The value of {@code pkauth.leak-policy}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getLeakPolicy() { return leakPolicy; }
    /**
     * Sets {@code pkauth.leak-policy}.
     *
     * @param leakPolicy the value
     */
    public void setLeakPolicy(@Nullable String leakPolicy) { this.leakPolicy = leakPolicy; }
    /**
     * The value of {@code pkauth.github-keys-url}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getGithubKeysUrl() { return githubKeysUrl; }
    /**
     * Sets {@code pkauth.github-keys-url}.
     *
     * @param githubKeysUrl the value
     */
    public void setGithubKeysUrl(@Nullable String githubKeysUrl) { this.githubKeysUrl = githubKeysUrl; }
    /**
     * The value of {@code pkauth.gitlab-keys-url}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getGitlabKeysUrl() { return gitlabKeysUrl; }
    /**
     * Sets {@code pkauth.gitlab-keys-url}.
     *
     * @param gitlabKeysUrl the value
     */
    public void setGitlabKeysUrl(@Nullable String gitlabKeysUrl) { this.gitlabKeysUrl = gitlabKeysUrl; }
    /**
     * The value of {@code pkauth.keys-path}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getKeysPath() { return keysPath; }
    /**
     * Sets {@code pkauth.keys-path}.
     *
     * @param keysPath the value
     */
    public void setKeysPath(@Nullable String keysPath) { this.keysPath = keysPath; }
    /**
     * The value of {@code pkauth.leaks-path}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getLeaksPath() { return leaksPath; }
    /**
     * Sets {@code pkauth.leaks-path}.
     *
     * @param leaksPath the value
     */
    public void setLeaksPath(@Nullable String leaksPath) { this.leaksPath = leaksPath; }
    /**
     * The value of {@code pkauth.key-status-path}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getKeyStatusPath() { return keyStatusPath; }
    /**
     * Sets {@code pkauth.key-status-path}.
     *
     * @param keyStatusPath the value
     */
    public void setKeyStatusPath(@Nullable String keyStatusPath) { this.keyStatusPath = keyStatusPath; }

    /**
     * The {@code pkauth.console.*} properties.
     *
     * @return the API keys page's properties
     */
    public Console getConsole() { return console; }

    /** {@code pkauth.console.*}: the API keys page for the host's signed-in users. */
    public static class Console {
        /** The path the page is served at when none is set. */
        public static final String DEFAULT_PATH = "/account/keys";

        private boolean enabled;
        private String path = DEFAULT_PATH;

        /** Unset: no page, at {@value #DEFAULT_PATH}. */
        public Console() {}

        /**
         * The value of {@code pkauth.console.enabled}.
         *
         * @return whether the page is served
         */
        public boolean isEnabled() { return enabled; }
        /**
         * Sets {@code pkauth.console.enabled}.
         *
         * @param enabled the value
         */
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        /**
         * The value of {@code pkauth.console.path}.
         *
         * @return the path
         */
        public String getPath() { return path; }
        /**
         * Sets {@code pkauth.console.path}.
         *
         * @param path the value
         */
        public void setPath(String path) { this.path = path; }
    }
}
