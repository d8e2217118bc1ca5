package dev.pkauth;

import dev.pkauth.internal.config.Options;
import dev.pkauth.internal.engine.Actor;
import dev.pkauth.internal.engine.Engine;
import dev.pkauth.internal.engine.Given;
import dev.pkauth.internal.engine.StoreOptions;
import dev.pkauth.internal.jdbc.DatabaseTarget;
import dev.pkauth.internal.text.Validation;
import dev.pkauth.internal.token.TokenFormat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * Configures an {@link ApiKeyStore}. Explicit calls win over {@link #settings(Settings)}; each
 * option may be set once; {@link #build()} says precisely what is missing or wrong.
 */
public final class ApiKeyStoreBuilder {
    /** What this builder was given, each value checked where it was given; read once, by {@link #build()}. */
    private final Given given = new Given();
    private final DatabaseTarget target = new DatabaseTarget();

    ApiKeyStoreBuilder() {}

    /**
     * Reads unset options by name from {@code settings} (see {@link Settings}).
     *
     * @param settings the settings to read
     * @return this builder
     */
    public ApiKeyStoreBuilder settings(Settings settings) {
        Options.requireUnset(given.settings, "settings");
        given.settings = Objects.requireNonNull(settings, "settings");
        return this;
    }

    /**
     * Keys in memory only: for tests and throwaway processes.
     *
     * @return this builder
     */
    public ApiKeyStoreBuilder inMemory() {
        target.inMemory();
        return this;
    }

    /**
     * {@code jdbc:sqlite:path} or {@code jdbc:postgresql://…}; the store makes and owns a pool.
     *
     * @param url the JDBC URL
     * @return this builder
     */
    public ApiKeyStoreBuilder jdbcUrl(String url) {
        target.jdbcUrl(url);
        return this;
    }

    /**
     * Credentials for {@link #jdbcUrl(String)}.
     *
     * @param user the database user
     * @param password the password, or {@code null}
     * @return this builder
     */
    public ApiKeyStoreBuilder credentials(String user, String password) {
        target.credentials(user, password);
        return this;
    }

    /**
     * A data source the application owns (and closes); SQLite or PostgreSQL.
     *
     * @param dataSource a data source the application owns
     * @return this builder
     */
    public ApiKeyStoreBuilder dataSource(DataSource dataSource) {
        target.dataSource(dataSource);
        return this;
    }

    /**
     * The key table; default {@code pkauth_api_keys}. An SQL identifier.
     *
     * @param table an SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*})
     * @return this builder
     */
    public ApiKeyStoreBuilder table(String table) {
        Options.requireUnset(given.table, "table");
        given.table = Validation.table(table);
        return this;
    }

    /**
     * The current pepper (HMAC key). Keep it out of the database and out of source control.
     *
     * @param pepper the pepper
     * @return this builder
     */
    public ApiKeyStoreBuilder pepper(String pepper) {
        Options.requireUnset(given.pepper, "pepper");
        given.pepper = StoreOptions.requirePepperValue(pepper);
        return this;
    }

    /**
     * Older peppers: keys hashed under them still verify and are re-hashed under the current one.
     *
     * @param peppers older peppers, newest first
     * @return this builder
     */
    public ApiKeyStoreBuilder previousPeppers(String... peppers) {
        Options.requireUnset(given.previousPeppers, "previousPeppers");
        List<String> list = new ArrayList<>();
        for (String p : peppers) list.add(StoreOptions.requirePepperValue(p));
        given.previousPeppers = List.copyOf(list);
        return this;
    }

    /**
     * The prefix of new tokens instead of {@code pk} ({@code acme.key_….…}), so that the pattern a
     * deployment registers with secret scanners matches its keys and no one else's. Tokens of
     * earlier prefixes keep verifying only when listed in {@link #previousTokenPrefixes}.
     *
     * @param prefix 2 to 16 characters: a lower-case letter, then lower-case letters and digits
     * @return this builder
     */
    public ApiKeyStoreBuilder tokenPrefix(String prefix) {
        Options.requireUnset(given.tokenPrefix, "tokenPrefix");
        given.tokenPrefix = TokenFormat.checkPrefix(prefix);
        return this;
    }

    /**
     * Earlier token prefixes whose keys still verify (after a change of {@link #tokenPrefix}).
     *
     * @param prefixes earlier prefixes
     * @return this builder
     */
    public ApiKeyStoreBuilder previousTokenPrefixes(String... prefixes) {
        Options.requireUnset(given.previousTokenPrefixes, "previousTokenPrefixes");
        List<String> list = new ArrayList<>();
        for (String p : prefixes) list.add(TokenFormat.checkPrefix(p));
        given.previousTokenPrefixes = List.copyOf(list);
        return this;
    }

    /**
     * Token shapes of another system whose keys were imported and carry no pkauth id: each a
     * prefix followed by {@code *} ({@code "ba_*"}), or {@code "*"} for tokens with no prefix.
     * Such a token is found by its SHA-256 on an index, one lookup, and answers like any key. The
     * setting {@code legacy-tokens} ({@code PKAUTH_LEGACY_TOKENS}) says the same.
     *
     * @param shapes the shapes
     * @return this builder
     * @throws IllegalArgumentException for a shape that is not a prefix followed by {@code *}
     */
    public ApiKeyStoreBuilder legacyTokens(String... shapes) {
        Options.requireUnset(given.legacyTokens, "legacyTokens");
        String list = String.join(",", shapes);
        dev.pkauth.internal.token.LegacyTokens.parse(list);
        given.legacyTokens = list;
        return this;
    }

    /**
     * Refuse to start with the development pepper (production).
     *
     * @param require true to refuse the development pepper
     * @return this builder
     */
    public ApiKeyStoreBuilder requirePepper(boolean require) {
        Options.requireUnset(given.requirePepper, "requirePepper");
        given.requirePepper = require;
        return this;
    }

    /**
     * At most one {@code last_used_at} write per key per interval; default 60 s.
     *
     * @param interval the interval
     * @return this builder
     */
    public ApiKeyStoreBuilder touchInterval(Duration interval) {
        Options.requireUnset(given.touchInterval, "touchInterval");
        given.touchInterval = Options.notNegative(interval, "touchInterval");
        return this;
    }

    /**
     * The clock for expiry and {@code last_used_at}; default UTC system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public ApiKeyStoreBuilder clock(Clock clock) {
        Options.requireUnset(given.clock, "clock");
        given.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Runs background writes; default a daemon thread owned by the store. Tests pass {@code Runnable::run}.
     *
     * @param executor runs the writes
     * @return this builder
     */
    public ApiKeyStoreBuilder executor(Executor executor) {
        Options.requireUnset(given.executor, "executor");
        given.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * Connections for verification lookups in the pool the store makes; default 4 on SQLite, 10 on
     * PostgreSQL. With the cache on, that pool has one more, held by the change watcher.
     * Management calls (create, list, revoke…) use a second pool of their own (2 connections on
     * SQLite, 4 on PostgreSQL), so a burst of them cannot starve verification. A
     * {@link #dataSource(DataSource)} of the application's own serves both, and lends the
     * watcher one of its connections.
     *
     * @param size how many
     * @return this builder
     */
    public ApiKeyStoreBuilder poolSize(int size) {
        Options.requireUnset(given.poolSize, "poolSize");
        given.poolSize = Options.positive(size, "poolSize");
        return this;
    }

    /**
     * How long to wait for a pooled connection before the store is unavailable; default 1 s.
     *
     * @param timeout the wait, at least 250 ms
     * @return this builder
     */
    public ApiKeyStoreBuilder connectionTimeout(Duration timeout) {
        Options.requireUnset(given.connectionTimeout, "connectionTimeout");
        given.connectionTimeout = Options.connectionTimeout(timeout, "connectionTimeout");
        return this;
    }

    /**
     * How long a verified key's row may be served from memory; default 10 s; {@link Duration#ZERO}
     * turns the cache off. Revocations through this store take effect at once regardless; other
     * processes' changes arrive by PostgreSQL notification or SQLite's data version within about
     * a second, and the TTL bounds staleness should that watch be down.
     *
     * @param ttl how long
     * @return this builder
     */
    public ApiKeyStoreBuilder cacheTtl(Duration ttl) {
        Options.requireUnset(given.cacheTtl, "cacheTtl");
        given.cacheTtl = Options.notNegative(ttl, "cacheTtl");
        return this;
    }

    /**
     * How long an unknown id is remembered as unknown; default the lesser of 2 s and the TTL.
     *
     * @param ttl how long
     * @return this builder
     */
    public ApiKeyStoreBuilder negativeCacheTtl(Duration ttl) {
        Options.requireUnset(given.negativeCacheTtl, "negativeCacheTtl");
        given.negativeCacheTtl = Options.notNegative(ttl, "negativeCacheTtl");
        return this;
    }

    /**
     * Most rows cached; default 100,000.
     *
     * @param size how many
     * @return this builder
     */
    public ApiKeyStoreBuilder cacheSize(long size) {
        Options.requireUnset(given.cacheSize, "cacheSize");
        given.cacheSize = Options.positive(size, "cacheSize");
        return this;
    }

    /**
     * On PostgreSQL, the longest a statement may run (lock waits included) before the store
     * answers unavailable instead of holding the request; default 750 ms, {@link Duration#ZERO}
     * for none. Applies to the pool the store makes; schema migration is exempt.
     *
     * @param timeout the longest a statement may run, or {@link Duration#ZERO} for none
     * @return this builder
     */
    public ApiKeyStoreBuilder queryTimeout(Duration timeout) {
        Options.requireUnset(given.queryTimeout, "queryTimeout");
        given.queryTimeout = Options.notNegative(timeout, "queryTimeout");
        return this;
    }

    /**
     * The most active (unrevoked, unexpired) keys one user may hold; default
     * 100. Creating another is refused with an
     * {@link IllegalStateException}, so one client cannot fill the table.
     *
     * @param max the most
     * @return this builder
     */
    public ApiKeyStoreBuilder maxKeysPerUser(int max) {
        Options.requireUnset(given.maxKeysPerUser, "maxKeysPerUser");
        given.maxKeysPerUser = Options.positive(max, "maxKeysPerUser");
        return this;
    }

    /**
     * What every key must meet (longest lifetime, an expiry, limits); default the settings
     * {@code max-key-lifetime}, {@code require-expiry} and {@code require-limits}, else none.
     * Creation outside it is refused; keys already outside it fail verification with
     * {@link Verification.Reason#POLICY} and stay as they are.
     *
     * @param policy the policy
     * @return this builder
     */
    public ApiKeyStoreBuilder keyPolicy(KeyPolicy policy) {
        Options.requireUnset(given.keyPolicy, "keyPolicy");
        given.keyPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * The rate limit of keys that have none of their own; default none ({@code default-rate-limit}).
     *
     * @param limit the rate limit of keys without one
     * @return this builder
     */
    public ApiKeyStoreBuilder defaultRateLimit(UsageLimits.RateLimit limit) {
        Options.requireUnset(given.defaultRateLimit, "defaultRateLimit");
        given.defaultRateLimit = Objects.requireNonNull(limit, "limit");
        return this;
    }

    /**
     * How many rejected keys one client address may present per window before keys that need a
     * lookup are refused unseen ({@link ApiKeyStore#verify(String, String)}); default 20 a minute,
     * {@code null} for no such budget ({@code failed-auth-limit}, {@code off}).
     *
     * @param limit rejected keys allowed per address and window, or {@code null} for no budget
     * @return this builder
     */
    public ApiKeyStoreBuilder failedAuthLimit(UsageLimits.RateLimit limit) {
        Options.requireUnset(given.failedAuthLimit, "failedAuthLimit");
        given.failedAuthLimit = Optional.ofNullable(limit);
        return this;
    }

    /**
     * Publishes the store's meters to {@code registry}: {@code pkauth.verifications} (by
     * {@code outcome} and {@code reason}), {@code pkauth.cache.gets} ({@code result} hit or
     * miss), {@code pkauth.store.lookups} (timer), {@code pkauth.store.unavailable},
     * {@code pkauth.touch.writes}, {@code pkauth.limits.hits} ({@code limit}), each tagged
     * with the {@code table}. Needs micrometer-core on the class path (an optional dependency).
     *
     * @param registry a Micrometer {@code MeterRegistry}
     * @return this builder
     */
    public ApiKeyStoreBuilder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        Options.requireUnset(given.meterRegistry, "meterRegistry");
        given.meterRegistry = Objects.requireNonNull(registry, "registry");
        return this;
    }

    /**
     * Told of every management action once committed, besides the audit table.
     *
     * @param listener the listener
     * @return this builder
     */
    public ApiKeyStoreBuilder auditListener(AuditListener listener) {
        Options.requireUnset(given.auditListener, "auditListener");
        given.auditListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Whether {@link #build()} creates or upgrades the table; default true.
     *
     * @param migrate false to leave the table as it is
     * @return this builder
     */
    public ApiKeyStoreBuilder migrate(boolean migrate) {
        given.migrate = migrate;
        return this;
    }

    /**
     * Opens the store: makes the pool, creates or upgrades the table.
     *
     * @throws IllegalStateException when the configuration is incomplete or contradictory
     * @throws StoreUnavailableException when the database cannot be reached
     * @return the open store
     */
    public ApiKeyStore build() {
        Settings s = given.settings != null ? given.settings : Settings.of(java.util.Map.of());
        target.resolve(s.get(Settings.JDBC_URL), s.get(Settings.JDBC_USER), s.get(Settings.JDBC_PASSWORD),
                Settings.environmentName(Settings.JDBC_URL));
        return new ApiKeyStore(Engine.open(StoreOptions.resolve(given), target, s), Actor.APPLICATION, false);
    }
}
