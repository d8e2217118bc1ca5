package dev.pkauth;

import dev.pkauth.internal.CacheGroup;
import dev.pkauth.internal.DatabaseTarget;
import dev.pkauth.internal.InMemoryKeyRepository;
import dev.pkauth.internal.JdbcKeyRepository;
import dev.pkauth.internal.KeyCache;
import dev.pkauth.internal.KeyEntry;
import dev.pkauth.internal.KeyRecord;
import dev.pkauth.internal.KeyRepository;
import dev.pkauth.internal.SecretHasher;
import dev.pkauth.internal.Tokens;
import dev.pkauth.internal.TouchWriter;
import dev.pkauth.internal.Validation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints, verifies and manages API keys. Thread-safe; make one per database and share it.
 *
 * <pre>{@code
 * try (ApiKeyStore store = ApiKeyStore.builder()
 *         .jdbcUrl("jdbc:sqlite:keys.db")
 *         .pepper(System.getenv("PKAUTH_PEPPER"))
 *         .build()) {
 *     IssuedKey issued = store.create("alice", "CI", List.of("docs:read"), null);
 *     // show issued.token() to alice once; only its hash is stored
 *     Verification v = store.verify(issued.token());
 * }
 * }</pre>
 *
 * <p>Three outcomes of {@link #verify}: {@link Verification.Valid}, {@link Verification.Invalid}
 * (with a reason), or a thrown {@link StoreUnavailableException} when the database cannot answer.
 */
public final class ApiKeyStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
    /** Pylon's development pepper, so development databases of both verify alike. */
    static final String DEVELOPMENT_PEPPER = "pylon-dev-api-key-pepper-not-for-production";
    private static final AtomicBoolean warnedDevelopmentPepper = new AtomicBoolean();

    private final KeyRepository repository;
    private final SecretHasher hasher;
    private final Clock clock;
    private final TouchWriter touches;
    private final ExecutorService ownedExecutor;
    private final String description;
    private final KeyCache cache;
    private final CacheGroup peers;
    private final AutoCloseable watch;
    /** Ids whose re-hash under the current pepper is queued, so a hot key queues it once. */
    private final java.util.Set<String> rehashing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ApiKeyStore(Builder b, KeyRepository repository, List<String> peppers, String description, Object database) {
        this.repository = repository;
        this.hasher = new SecretHasher(peppers);
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        Executor executor = b.executor;
        if (executor == null) {
            ownedExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "pkauth-writer");
                t.setDaemon(true);
                return t;
            });
            executor = ownedExecutor;
        } else {
            ownedExecutor = null;
        }
        long interval = b.touchInterval != null ? b.touchInterval.toSeconds() : 60;
        this.touches = new TouchWriter(repository, executor, interval);
        Duration ttl = b.cacheTtl != null ? b.cacheTtl : DEFAULT_CACHE_TTL;
        if (ttl.isZero()) {
            this.cache = null;
            this.peers = null;
            this.watch = () -> {};
            this.description = description + ", no cache";
        } else {
            Duration negative = b.negativeCacheTtl != null ? b.negativeCacheTtl : minimum(ttl, DEFAULT_NEGATIVE_CACHE_TTL);
            this.cache = new KeyCache(b.cacheSize != null ? b.cacheSize : DEFAULT_CACHE_SIZE, ttl, negative, clock);
            this.peers = CacheGroup.join(database, cache);
            this.watch = repository.watch(cache::invalidate, cache::invalidateAll);
            this.description = description + ", cache ttl " + ttl.toSeconds() + "s";
        }
    }

    static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(10);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMillis(750);
    static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofSeconds(2);
    static final long DEFAULT_CACHE_SIZE = 100_000;

    private static Duration minimum(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Optional<KeyEntry> lookup(String id) {
        return cache == null ? load(id) : cache.get(id, this::load);
    }

    private Optional<KeyEntry> load(String id) {
        return repository.find(id).map(r -> {
            ApiKey key = toApiKey(r);
            return new KeyEntry(r, SecretHasher.decode(r.secretHash()), key, key.toPrincipal());
        });
    }

    /**
     * Drops a key's cached row here and in every other store of this JVM on the same table;
     * called after every write that changes its verdict, before returning.
     */
    private void forget(String id) {
        if (peers != null) peers.invalidate(id);
    }

    public static Builder builder() {
        return new Builder();
    }

    // --- verification ---------------------------------------------------------------------

    /**
     * Verifies a presented token. The secret is checked before expiry and revocation, and an
     * unknown id costs the same HMAC work as a wrong secret, so a caller without the secret learns
     * nothing from the answer or its timing.
     *
     * @throws StoreUnavailableException when the backend cannot answer (never for a bad key)
     */
    public Verification verify(String token) {
        ensureOpen();
        if (!Tokens.isWellFormed(token)) {
            log.debug("pkauth: rejected a malformed key");
            return new Verification.Invalid(Verification.Reason.MALFORMED, null);
        }
        String id = Tokens.idOf(token);
        KeyEntry entry = lookup(id).orElse(null);
        SecretHasher.Match match = hasher.check(token, Tokens.SECRET_START, entry == null ? null : entry.hash());
        if (entry == null) return invalid(Verification.Reason.NOT_FOUND, id);
        if (match == SecretHasher.Match.NONE) return invalid(Verification.Reason.BAD_SECRET, id);
        KeyRecord row = entry.row();
        if (match == SecretHasher.Match.PREVIOUS && rehashing.add(id)) {
            String oldHash = row.secretHash();
            String newHash = hasher.hash(Tokens.secretOf(token));
            touches.submit("re-hash a key under the current pepper", () -> {
                try {
                    repository.replaceHash(id, oldHash, newHash);
                    forget(id);
                } finally {
                    rehashing.remove(id);
                }
            });
        }
        long now = nowSeconds();
        if (row.revokedAt() != null) return invalid(Verification.Reason.REVOKED, id);
        if (row.expiresAt() != null && row.expiresAt() <= now) return invalid(Verification.Reason.EXPIRED, id);
        touches.used(row, now);
        return new Verification.Valid(entry.metadata(), entry.principal());
    }

    private static Verification.Invalid invalid(Verification.Reason reason, String id) {
        String prefix = Tokens.prefixOfId(id);
        log.debug("pkauth: rejected key {}: {}", prefix, reason);
        return new Verification.Invalid(reason, prefix);
    }

    // --- management -----------------------------------------------------------------------

    /**
     * Mints a key. The returned token is the only copy: it is not stored and cannot be shown again.
     *
     * @param userId the owner; non-empty
     * @param name a label for the owner ("CI"), at most 200 characters; {@code null} for none
     * @param scopes scopes granted; trimmed, non-empty, no commas or whitespace
     * @param expiresAt when it stops working (in the future), or {@code null} for never
     * @throws IllegalArgumentException when an argument is invalid; the message says which
     */
    public IssuedKey create(String userId, String name, Collection<String> scopes, Instant expiresAt) {
        ensureOpen();
        String user = Validation.userId(userId);
        String label = Validation.name(name);
        List<String> granted = Validation.scopes(scopes);
        long now = nowSeconds();
        Long expires = futureSeconds(expiresAt, now);
        Tokens.Minted minted = Tokens.mint();
        KeyRecord row = new KeyRecord(minted.id(), user, label, minted.prefix(), hasher.hash(minted.secret()), granted,
                expires, null, now, null);
        repository.insert(row);
        forget(row.id()); // in case this id was looked up (and found absent) before
        log.debug("pkauth: created key {} for user {}", row.prefix(), user);
        return new IssuedKey(minted.token(), toApiKey(row));
    }

    /** The key with this id, if any. */
    public Optional<ApiKey> find(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return Optional.empty();
        return repository.find(id).map(ApiKeyStore::toApiKey);
    }

    /** The user's unrevoked keys (expired ones included), newest first. */
    public List<ApiKey> list(String userId) {
        return list(userId, false);
    }

    /** The user's keys, newest first; revoked ones too when {@code includeRevoked}. */
    public List<ApiKey> list(String userId, boolean includeRevoked) {
        ensureOpen();
        List<KeyRecord> rows = repository.listByUser(Validation.userId(userId), includeRevoked);
        List<ApiKey> out = new ArrayList<>(rows.size());
        for (KeyRecord r : rows) out.add(toApiKey(r));
        return List.copyOf(out);
    }

    /**
     * Changes an unrevoked key's expiry.
     *
     * @param expiresAt the new expiry (in the future), or {@code null} for never
     * @return the updated key, or empty when there is no such unrevoked key
     */
    public Optional<ApiKey> refresh(String id, Instant expiresAt) {
        ensureOpen();
        Long expires = futureSeconds(expiresAt, nowSeconds());
        if (!Tokens.isWellFormedId(id) || !repository.updateExpiry(id, expires)) return Optional.empty();
        forget(id);
        return find(id);
    }

    /**
     * Mints a successor with the same user, name and scopes, and ends the old key after
     * {@code overlap} ({@link Duration#ZERO}: revoked now), so clients can switch over without an
     * outage. The successor keeps the old key's lifetime: a 90-day key is replaced by a 90-day key.
     *
     * @return the new key, or empty when there is no such unrevoked key
     */
    public Optional<IssuedKey> rotate(String id, Duration overlap) {
        ensureOpen();
        Objects.requireNonNull(overlap, "overlap");
        if (overlap.isNegative()) throw new IllegalArgumentException("overlap must not be negative: " + overlap);
        if (!Tokens.isWellFormedId(id)) return Optional.empty();
        KeyRecord old = repository.find(id).orElse(null);
        if (old == null || old.revokedAt() != null) return Optional.empty();
        long now = nowSeconds();
        Long newExpiry = old.expiresAt() == null ? null : now + Math.max(1, old.expiresAt() - old.createdAt());
        Long oldExpiry = old.expiresAt();
        Long oldRevoked = null;
        if (overlap.isZero()) {
            oldRevoked = now;
        } else {
            long end = saturatedAdd(now, overlap.toSeconds());
            oldExpiry = oldExpiry == null ? end : Math.min(oldExpiry, end);
        }
        Tokens.Minted minted = Tokens.mint();
        KeyRecord successor = new KeyRecord(minted.id(), old.userId(), old.name(), minted.prefix(),
                hasher.hash(minted.secret()), old.scopes(), newExpiry, null, now, null);
        if (!repository.rotate(id, oldExpiry, oldRevoked, successor)) return Optional.empty();
        forget(id);
        log.debug("pkauth: rotated key {} to {}", old.prefix(), successor.prefix());
        return Optional.of(new IssuedKey(minted.token(), toApiKey(successor)));
    }

    /**
     * Revokes a key: it fails verification from now on, and its row stays for audit.
     *
     * @return true when this call revoked it; false when unknown or already revoked
     */
    public boolean revoke(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        boolean revoked = repository.revoke(id, nowSeconds());
        forget(id);
        if (revoked) log.debug("pkauth: revoked key {}", Tokens.prefixOfId(id));
        return revoked;
    }

    /** Deletes a key's row for good. @return true when it existed */
    public boolean purge(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        boolean deleted = repository.delete(id);
        forget(id);
        return deleted;
    }

    /** Writes pending {@code last_used_at} updates now, on the calling thread. */
    public void flush() {
        touches.flush();
    }

    /** Flushes pending writes, stops the writer thread and closes the pool this store made. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        if (peers != null) peers.close();
        try {
            watch.close();
        } catch (Exception e) {
            log.debug("pkauth: stopping the change watcher: {}", e.toString());
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        touches.close();
        repository.close();
    }

    @Override
    public String toString() {
        return "ApiKeyStore[" + description + "]";
    }

    // --- helpers --------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed.get()) throw new IllegalStateException("this ApiKeyStore is closed");
    }

    private long nowSeconds() {
        return Math.floorDiv(clock.millis(), 1000);
    }

    private static Long futureSeconds(Instant at, long now) {
        if (at == null) return null;
        long seconds = at.getEpochSecond();
        if (seconds <= now) {
            throw new IllegalArgumentException("expiry must be in the future: " + at + " is not after "
                    + Instant.ofEpochSecond(now));
        }
        return seconds;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    private static ApiKey toApiKey(KeyRecord r) {
        return new ApiKey(r.id(), r.userId(), r.name(), r.prefix().isEmpty() ? Tokens.prefixOfId(r.id()) : r.prefix(),
                r.scopes(), instant(r.expiresAt()), instant(r.lastUsedAt()), Instant.ofEpochSecond(r.createdAt()),
                instant(r.revokedAt()));
    }

    private static Instant instant(Long seconds) {
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }

    /**
     * Configures an {@link ApiKeyStore}. Explicit calls win over {@link #settings(Settings)}; each
     * option may be set once; {@link #build()} says precisely what is missing or wrong.
     */
    public static final class Builder {
        private Settings settings;
        private final DatabaseTarget target = new DatabaseTarget();
        private String table;
        private String pepper;
        private List<String> previousPeppers;
        private Boolean requirePepper;
        private Duration touchInterval;
        private Clock clock;
        private Executor executor;
        private Integer poolSize;
        private Duration connectionTimeout;
        private Duration cacheTtl;
        private Duration queryTimeout;
        private Duration negativeCacheTtl;
        private Long cacheSize;
        private boolean migrate = true;

        private Builder() {}

        /** Reads unset options by name from {@code settings} (see {@link Settings}). */
        public Builder settings(Settings settings) {
            requireUnset(this.settings, "settings");
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Keys in memory only: for tests and throwaway processes. */
        public Builder inMemory() {
            target.inMemory();
            return this;
        }

        /** {@code jdbc:sqlite:path} or {@code jdbc:postgresql://…}; the store makes and owns a pool. */
        public Builder jdbcUrl(String url) {
            target.jdbcUrl(url);
            return this;
        }

        /** Credentials for {@link #jdbcUrl(String)}. */
        public Builder credentials(String user, String password) {
            target.credentials(user, password);
            return this;
        }

        /** A data source the application owns (and closes); SQLite or PostgreSQL. */
        public Builder dataSource(DataSource dataSource) {
            target.dataSource(dataSource);
            return this;
        }

        /** The key table; default {@code pkauth_api_keys}. An SQL identifier. */
        public Builder table(String table) {
            requireUnset(this.table, "table");
            this.table = Validation.table(table);
            return this;
        }

        /** The current pepper (HMAC key). Keep it out of the database and out of source control. */
        public Builder pepper(String pepper) {
            requireUnset(this.pepper, "pepper");
            this.pepper = requirePepperValue(pepper);
            return this;
        }

        /** Older peppers: keys hashed under them still verify and are re-hashed under the current one. */
        public Builder previousPeppers(String... peppers) {
            requireUnset(this.previousPeppers, "previousPeppers");
            List<String> list = new ArrayList<>();
            for (String p : peppers) list.add(requirePepperValue(p));
            this.previousPeppers = List.copyOf(list);
            return this;
        }

        /** Refuse to start with the development pepper (production). */
        public Builder requirePepper(boolean require) {
            requireUnset(this.requirePepper, "requirePepper");
            this.requirePepper = require;
            return this;
        }

        /** At most one {@code last_used_at} write per key per interval; default 60 s. */
        public Builder touchInterval(Duration interval) {
            requireUnset(this.touchInterval, "touchInterval");
            if (interval.isNegative()) throw new IllegalArgumentException("touchInterval must not be negative");
            this.touchInterval = interval;
            return this;
        }

        /** The clock for expiry and {@code last_used_at}; default UTC system clock. */
        public Builder clock(Clock clock) {
            requireUnset(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Runs background writes; default a daemon thread owned by the store. Tests pass {@code Runnable::run}. */
        public Builder executor(Executor executor) {
            requireUnset(this.executor, "executor");
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Connections for requests in the pool the store makes; default 4 on SQLite (one writer), 10 on
         * PostgreSQL. With the cache on, the pool has one more, held by the change watcher. A
         * {@link #dataSource(DataSource)} of the application's own lends the watcher one of its connections.
         */
        public Builder poolSize(int size) {
            requireUnset(this.poolSize, "poolSize");
            if (size < 1) throw new IllegalArgumentException("poolSize must be at least 1, was " + size);
            this.poolSize = size;
            return this;
        }

        /** How long to wait for a pooled connection before the store is unavailable; default 1 s. */
        public Builder connectionTimeout(Duration timeout) {
            requireUnset(this.connectionTimeout, "connectionTimeout");
            if (timeout.toMillis() < 250) throw new IllegalArgumentException("connectionTimeout must be at least 250ms");
            this.connectionTimeout = timeout;
            return this;
        }

        /**
         * How long a verified key's row may be served from memory; default 10 s; {@link Duration#ZERO}
         * turns the cache off. Revocations through this store take effect at once regardless; other
         * processes' changes arrive by PostgreSQL notification or SQLite's data version within about
         * a second, and the TTL bounds staleness should that watch be down.
         */
        public Builder cacheTtl(Duration ttl) {
            requireUnset(this.cacheTtl, "cacheTtl");
            if (ttl.isNegative()) throw new IllegalArgumentException("cacheTtl must not be negative");
            this.cacheTtl = ttl;
            return this;
        }

        /** How long an unknown id is remembered as unknown; default the lesser of 2 s and the TTL. */
        public Builder negativeCacheTtl(Duration ttl) {
            requireUnset(this.negativeCacheTtl, "negativeCacheTtl");
            if (ttl.isNegative()) throw new IllegalArgumentException("negativeCacheTtl must not be negative");
            this.negativeCacheTtl = ttl;
            return this;
        }

        /** Most rows cached; default 100,000. */
        public Builder cacheSize(long size) {
            requireUnset(this.cacheSize, "cacheSize");
            if (size < 1) throw new IllegalArgumentException("cacheSize must be at least 1, was " + size);
            this.cacheSize = size;
            return this;
        }

        /**
         * On PostgreSQL, the longest a statement may run (lock waits included) before the store
         * answers unavailable instead of holding the request; default 750 ms, {@link Duration#ZERO}
         * for none. Applies to the pool the store makes; schema migration is exempt.
         */
        public Builder queryTimeout(Duration timeout) {
            requireUnset(this.queryTimeout, "queryTimeout");
            if (timeout.isNegative()) throw new IllegalArgumentException("queryTimeout must not be negative");
            this.queryTimeout = timeout;
            return this;
        }

        /** Whether {@link #build()} creates or upgrades the table; default true. */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * Opens the store: makes the pool, creates or upgrades the table.
         *
         * @throws IllegalStateException when the configuration is incomplete or contradictory
         * @throws StoreUnavailableException when the database cannot be reached
         */
        public ApiKeyStore build() {
            Settings s = settings != null ? settings : Settings.of(java.util.Map.of());
            target.resolve(s);
            if (table == null) table = Validation.table(s.get(Settings.TABLE, "pkauth_api_keys"));
            if (poolSize == null && s.get(Settings.POOL_SIZE) != null) {
                poolSize(parsePositiveInt(s.get(Settings.POOL_SIZE), Settings.POOL_SIZE));
            }
            if (queryTimeout == null && s.get(Settings.QUERY_TIMEOUT) != null) {
                queryTimeout(Durations.parseMillis(s.get(Settings.QUERY_TIMEOUT)));
            }
            if (cacheTtl == null && s.get(Settings.CACHE_TTL) != null) {
                cacheTtl(Durations.parse(s.get(Settings.CACHE_TTL)));
            }
            if (touchInterval == null && s.get(Settings.TOUCH_INTERVAL) != null) {
                touchInterval(Durations.parse(s.get(Settings.TOUCH_INTERVAL)));
            }
            List<String> peppers = resolvePeppers(s);

            KeyRepository repository;
            String description;
            if (target.isInMemory()) {
                repository = new InMemoryKeyRepository();
                description = "in-memory";
            } else {
                // The cache's change watcher holds one connection for good; do not take it from the requests.
                int watcher = cacheTtl == null || !cacheTtl.isZero() ? 1 : 0;
                DatabaseTarget.Opened db = target.open(poolSize, watcher,
                        connectionTimeout != null ? connectionTimeout : Duration.ofSeconds(1),
                        queryTimeout != null ? queryTimeout : DEFAULT_QUERY_TIMEOUT);
                JdbcKeyRepository jdbc = new JdbcKeyRepository(db.dataSource(), db.owned(), db.dialect(), table);
                repository = jdbc;
                description = jdbc.dialect().name().toLowerCase(java.util.Locale.ROOT) + ", table=" + table;
                if (migrate) {
                    try {
                        jdbc.migrate();
                    } catch (RuntimeException e) {
                        jdbc.close();
                        throw e;
                    }
                }
            }
            // Stores of this JVM with equal identities share cache invalidations.
            return new ApiKeyStore(this, repository, peppers, description, target.identity(table));
        }

        private List<String> resolvePeppers(Settings s) {
            String current = pepper != null ? pepper : s.get(Settings.PEPPER);
            List<String> previous = previousPeppers;
            if (previous == null) {
                String csv = s.get(Settings.PEPPER_PREVIOUS);
                previous = csv == null ? List.of() : Arrays.stream(csv.split(","))
                        .map(String::strip).filter(p -> !p.isEmpty()).toList();
            }
            boolean require = requirePepper != null ? requirePepper
                    : Boolean.parseBoolean(s.get(Settings.REQUIRE_PEPPER, "false"));
            if (current == null) {
                if (require) {
                    throw new IllegalStateException("no pepper is set and a pepper is required: set "
                            + Settings.environmentName(Settings.PEPPER) + " (or call pepper(…)) to a long random secret");
                }
                if (warnedDevelopmentPepper.compareAndSet(false, true)) {
                    log.warn("pkauth: no pepper is set ({}); using the public development pepper. Keys minted now "
                            + "are NOT safe for production. Set {} and {}=true in production.",
                            Settings.environmentName(Settings.PEPPER), Settings.environmentName(Settings.PEPPER),
                            Settings.environmentName(Settings.REQUIRE_PEPPER));
                }
                current = DEVELOPMENT_PEPPER;
            }
            List<String> all = new ArrayList<>();
            all.add(current);
            for (String p : previous) if (!all.contains(p)) all.add(p);
            return all;
        }

        private static String requirePepperValue(String pepper) {
            if (pepper == null || pepper.isEmpty()) throw new IllegalArgumentException("a pepper must not be empty");
            return pepper;
        }

        private static int parsePositiveInt(String value, String name) {
            try {
                int n = Integer.parseInt(value);
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(name + " must be a positive integer, was " + Validation.printable(value));
        }

        private static void requireUnset(Object current, String option) {
            if (current != null) throw new IllegalStateException(option + " was already set");
        }
    }
}
