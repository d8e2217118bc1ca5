package dev.pkauth.spring;

import dev.pkauth.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code pkauth.*} properties: the same names as pkauth's web.xml context-params and, through
 * Spring's relaxed binding, the {@code PKAUTH_*} environment variables. Values are passed to
 * pkauth as text, so they are checked (and refused with the same messages) as everywhere else.
 * This class has no {@code toString}: it holds the pepper and the database password.
 */
@ConfigurationProperties("pkauth")
public class PkauthProperties {
    /** JDBC URL of the key database (jdbc:sqlite:… or jdbc:postgresql://…); when unset, the application's DataSource is used. */
    private String jdbcUrl;
    /** Database user for pkauth.jdbc-url. */
    private String jdbcUser;
    /** Database password for pkauth.jdbc-url. */
    private String jdbcPassword;
    /** Table of keys (default pkauth_api_keys). */
    private String table;
    /** The HMAC pepper: a random secret of at least 32 bytes. Without one, a public development pepper is used and a warning logged. */
    private String pepper;
    /** Earlier peppers, comma-separated: keys hashed under them still verify and are re-hashed under the current one. */
    private String pepperPrevious;
    /** true refuses to start without a real pepper (recommended in production). */
    private String requirePepper;
    /** Realm of the WWW-Authenticate challenges (default api). */
    private String realm;
    /** Connections for verification lookups. */
    private String poolSize;
    /** How often last_used_at is written per key at most (default 60s). */
    private String touchInterval;
    /** How long a verified key is kept in memory (default 30s; revocations reach every process at once). */
    private String cacheTtl;
    /** Timeout of one database query (e.g. 2s). */
    private String queryTimeout;
    /** Keys one user may hold at most (default 100). */
    private String maxKeysPerUser;
    /** Rate limit for keys that have none of their own, e.g. 100/1m. */
    private String defaultRateLimit;
    /** Rejected keys an address may send before it gets 429 (default 20/1m; off to disable). */
    private String failedAuthLimit;
    /** Where to serve the self-service key endpoints (e.g. /api/keys); unset serves none. */
    private String keysPath;

    /** These properties as pkauth {@link Settings}; unset ones are absent. */
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
        return Settings.of(m);
    }

    private static void put(Map<String, String> m, String name, String value) {
        if (value != null) m.put(name, value);
    }

    /** @return the realm of challenges, {@code api} when unset */
    public String realmOrDefault() {
        return realm == null ? dev.pkauth.http.Deployment.DEFAULT_REALM : realm;
    }

    public String getJdbcUrl() { return jdbcUrl; }
    public void setJdbcUrl(String jdbcUrl) { this.jdbcUrl = jdbcUrl; }
    public String getJdbcUser() { return jdbcUser; }
    public void setJdbcUser(String jdbcUser) { this.jdbcUser = jdbcUser; }
    public String getJdbcPassword() { return jdbcPassword; }
    public void setJdbcPassword(String jdbcPassword) { this.jdbcPassword = jdbcPassword; }
    public String getTable() { return table; }
    public void setTable(String table) { this.table = table; }
    public String getPepper() { return pepper; }
    public void setPepper(String pepper) { this.pepper = pepper; }
    public String getPepperPrevious() { return pepperPrevious; }
    public void setPepperPrevious(String pepperPrevious) { this.pepperPrevious = pepperPrevious; }
    public String getRequirePepper() { return requirePepper; }
    public void setRequirePepper(String requirePepper) { this.requirePepper = requirePepper; }
    public String getRealm() { return realm; }
    public void setRealm(String realm) { this.realm = realm; }
    public String getPoolSize() { return poolSize; }
    public void setPoolSize(String poolSize) { this.poolSize = poolSize; }
    public String getTouchInterval() { return touchInterval; }
    public void setTouchInterval(String touchInterval) { this.touchInterval = touchInterval; }
    public String getCacheTtl() { return cacheTtl; }
    public void setCacheTtl(String cacheTtl) { this.cacheTtl = cacheTtl; }
    public String getQueryTimeout() { return queryTimeout; }
    public void setQueryTimeout(String queryTimeout) { this.queryTimeout = queryTimeout; }
    public String getMaxKeysPerUser() { return maxKeysPerUser; }
    public void setMaxKeysPerUser(String maxKeysPerUser) { this.maxKeysPerUser = maxKeysPerUser; }
    public String getDefaultRateLimit() { return defaultRateLimit; }
    public void setDefaultRateLimit(String defaultRateLimit) { this.defaultRateLimit = defaultRateLimit; }
    public String getFailedAuthLimit() { return failedAuthLimit; }
    public void setFailedAuthLimit(String failedAuthLimit) { this.failedAuthLimit = failedAuthLimit; }
    public String getKeysPath() { return keysPath; }
    public void setKeysPath(String keysPath) { this.keysPath = keysPath; }
}
