package dev.pkauth.spring;

import org.jspecify.annotations.Nullable;
import dev.pkauth.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code pkauth.*} properties: the same names as pkauth's web.xml context-params and, through
 * Spring's relaxed binding, the {@code PKAUTH_*} environment variables. Values are passed to
 * pkauth as text, so they are checked (and refused with the same messages) as everywhere else.
 * This class has no {@code toString}: it holds the pepper and the database password.
 */
// ignoreUnknownFields = false: a misspelled pkauth.require-peper must fail the start, not be
// ignored. Spring leaves environment variables and system properties out of that check, so an
// unrelated PKAUTH_* variable cannot stop an application.
@ConfigurationProperties(prefix = "pkauth", ignoreUnknownFields = false)
public class PkauthProperties {
    /** Every property this class binds, under {@code pkauth.}: for the message that names the nearest one. */
    static final List<String> NAMES = List.of(Settings.JDBC_URL, Settings.JDBC_USER, Settings.JDBC_PASSWORD,
            Settings.TABLE, Settings.PEPPER, Settings.PEPPER_PREVIOUS, Settings.REQUIRE_PEPPER, Settings.REALM,
            Settings.POOL_SIZE, Settings.TOUCH_INTERVAL, Settings.CACHE_TTL, Settings.QUERY_TIMEOUT,
            Settings.MAX_KEYS_PER_USER, Settings.DEFAULT_RATE_LIMIT, Settings.FAILED_AUTH_LIMIT, Settings.MAX_KEY_LIFETIME,
            Settings.REQUIRE_EXPIRY, Settings.REQUIRE_LIMITS, Settings.TOKEN_PREFIX, Settings.TOKEN_PREFIX_PREVIOUS,
            Settings.LEAK_POLICY, Settings.GITHUB_KEYS_URL, Settings.GITLAB_KEYS_URL, "keys-path", "leaks-path", "key-status-path");

    /** JDBC URL of the key database (jdbc:sqlite:… or jdbc:postgresql://…); when unset, the application's DataSource is used. */
    private @Nullable String jdbcUrl;
    /** Database user for pkauth.jdbc-url. */
    private @Nullable String jdbcUser;
    /** Database password for pkauth.jdbc-url. */
    private @Nullable String jdbcPassword;
    /** Table of keys (default pkauth_api_keys). */
    private @Nullable String table;
    /** The HMAC pepper: a random secret of at least 32 bytes. Without one, a public development pepper is used and a warning logged. */
    private @Nullable String pepper;
    /** Earlier peppers, comma-separated: keys hashed under them still verify and are re-hashed under the current one. */
    private @Nullable String pepperPrevious;
    /** true refuses to start without a real pepper (recommended in production). */
    private @Nullable String requirePepper;
    /** Realm of the WWW-Authenticate challenges (default api). */
    private @Nullable String realm;
    /** Connections for verification lookups. */
    private @Nullable String poolSize;
    /** How often last_used_at is written per key at most (default 60s). */
    private @Nullable String touchInterval;
    /** How long a verified key is kept in memory (default 30s; revocations reach every process at once). */
    private @Nullable String cacheTtl;
    /** Timeout of one database query (e.g. 2s). */
    private @Nullable String queryTimeout;
    /** Keys one user may hold at most (default 100). */
    private @Nullable String maxKeysPerUser;
    /** Rate limit for keys that have none of their own, e.g. 100/1m. */
    private @Nullable String defaultRateLimit;
    /** Rejected keys an address may send before it gets 429 (default 20/1m; off to disable). */
    private @Nullable String failedAuthLimit;
    /** Key policy: the longest a key may live, e.g. 366d (keys beyond it are refused, and fail verification). */
    private @Nullable String maxKeyLifetime;
    /** Key policy: true requires every key to expire. */
    private @Nullable String requireExpiry;
    /** Key policy: true requires a rate limit or credits on every key. */
    private @Nullable String requireLimits;
    /** Where to serve the self-service key endpoints (e.g. /api/keys); unset serves none. */
    private @Nullable String keysPath;
    /** The prefix of new tokens (2 to 16 characters [a-z][a-z0-9]*), pk by default: register its pattern with secret scanners. */
    private @Nullable String tokenPrefix;
    /** Earlier token prefixes, comma-separated, whose keys still verify. */
    private @Nullable String tokenPrefixPrevious;
    /** What a leak report of a live key does: revoke (default) or notify. */
    private @Nullable String leakPolicy;
    /** Where GitHub publishes its secret scanning signing keys (default: GitHub's own URL). */
    private @Nullable String githubKeysUrl;
    /** Where GitLab publishes its token revocation signing keys; unset refuses GitLab reports. */
    private @Nullable String gitlabKeysUrl;
    /** Where to receive leak reports (e.g. /leaks: POST /leaks/github and /leaks/gitlab); unset receives none. */
    private @Nullable String leaksPath;
    /** Where to serve the validity probe for scanners (e.g. /keys/status); unset serves none. */
    private @Nullable String keyStatusPath;

    /**
     * These properties as pkauth {@link Settings}; unset ones are absent.
     *
     * @return these properties as pkauth settings
     */
    public Settings toSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        put(m, Settings.JDBC_URL, jdbcUrl);
        put(m, Settings.JDBC_USER, jdbcUser);
        put(m, Settings.JDBC_PASSWORD, jdbcPassword);
        put(m, Settings.TABLE, table);
        put(m, Settings.PEPPER, pepper);
        put(m, Settings.PEPPER_PREVIOUS, pepperPrevious);
        put(m, Settings.REQUIRE_PEPPER, requirePepper);
        put(m, Settings.REALM, realm);
        put(m, Settings.POOL_SIZE, poolSize);
        put(m, Settings.TOUCH_INTERVAL, touchInterval);
        put(m, Settings.CACHE_TTL, cacheTtl);
        put(m, Settings.QUERY_TIMEOUT, queryTimeout);
        put(m, Settings.MAX_KEYS_PER_USER, maxKeysPerUser);
        put(m, Settings.DEFAULT_RATE_LIMIT, defaultRateLimit);
        put(m, Settings.FAILED_AUTH_LIMIT, failedAuthLimit);
        put(m, Settings.MAX_KEY_LIFETIME, maxKeyLifetime);
        put(m, Settings.REQUIRE_EXPIRY, requireExpiry);
        put(m, Settings.REQUIRE_LIMITS, requireLimits);
        put(m, Settings.TOKEN_PREFIX, tokenPrefix);
        put(m, Settings.TOKEN_PREFIX_PREVIOUS, tokenPrefixPrevious);
        put(m, Settings.LEAK_POLICY, leakPolicy);
        put(m, Settings.GITHUB_KEYS_URL, githubKeysUrl);
        put(m, Settings.GITLAB_KEYS_URL, gitlabKeysUrl);
        return Settings.of(m);
    }

    private static void put(Map<String, String> m, String name, @Nullable String value) {
        if (value != null) m.put(name, value);
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
    public @Nullable String getRequirePepper() { return requirePepper; }
    /**
     * Sets {@code pkauth.require-pepper}.
     *
     * @param requirePepper the value
     */
    public void setRequirePepper(@Nullable String requirePepper) { this.requirePepper = requirePepper; }
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
    public @Nullable String getPoolSize() { return poolSize; }
    /**
     * Sets {@code pkauth.pool-size}.
     *
     * @param poolSize the value
     */
    public void setPoolSize(@Nullable String poolSize) { this.poolSize = poolSize; }
    /**
     * The value of {@code pkauth.touch-interval}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getTouchInterval() { return touchInterval; }
    /**
     * Sets {@code pkauth.touch-interval}.
     *
     * @param touchInterval the value
     */
    public void setTouchInterval(@Nullable String touchInterval) { this.touchInterval = touchInterval; }
    /**
     * The value of {@code pkauth.cache-ttl}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getCacheTtl() { return cacheTtl; }
    /**
     * Sets {@code pkauth.cache-ttl}.
     *
     * @param cacheTtl the value
     */
    public void setCacheTtl(@Nullable String cacheTtl) { this.cacheTtl = cacheTtl; }
    /**
     * The value of {@code pkauth.query-timeout}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getQueryTimeout() { return queryTimeout; }
    /**
     * Sets {@code pkauth.query-timeout}.
     *
     * @param queryTimeout the value
     */
    public void setQueryTimeout(@Nullable String queryTimeout) { this.queryTimeout = queryTimeout; }
    /**
     * The value of {@code pkauth.max-keys-per-user}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getMaxKeysPerUser() { return maxKeysPerUser; }
    /**
     * Sets {@code pkauth.max-keys-per-user}.
     *
     * @param maxKeysPerUser the value
     */
    public void setMaxKeysPerUser(@Nullable String maxKeysPerUser) { this.maxKeysPerUser = maxKeysPerUser; }
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
    public @Nullable String getMaxKeyLifetime() { return maxKeyLifetime; }
    /**
     * Sets {@code pkauth.max-key-lifetime}.
     *
     * @param maxKeyLifetime the value
     */
    public void setMaxKeyLifetime(@Nullable String maxKeyLifetime) { this.maxKeyLifetime = maxKeyLifetime; }
    /**
     * The value of {@code pkauth.require-expiry}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getRequireExpiry() { return requireExpiry; }
    /**
     * Sets {@code pkauth.require-expiry}.
     *
     * @param requireExpiry the value
     */
    public void setRequireExpiry(@Nullable String requireExpiry) { this.requireExpiry = requireExpiry; }
    /**
     * The value of {@code pkauth.require-limits}.
     *
     * @return the value, or {@code null} when unset
     */
    public @Nullable String getRequireLimits() { return requireLimits; }
    /**
     * Sets {@code pkauth.require-limits}.
     *
     * @param requireLimits the value
     */
    public void setRequireLimits(@Nullable String requireLimits) { this.requireLimits = requireLimits; }
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
}
