package dev.pkauth;

import dev.pkauth.internal.AuditRecord;
import dev.pkauth.internal.CacheGroup;
import dev.pkauth.internal.DatabaseTarget;
import dev.pkauth.internal.FixedWindows;
import dev.pkauth.internal.WindowLeases;
import dev.pkauth.internal.InMemoryKeyRepository;
import dev.pkauth.internal.JdbcKeyRepository;
import dev.pkauth.internal.Json;
import dev.pkauth.internal.KeyCache;
import dev.pkauth.internal.KeyEntry;
import dev.pkauth.internal.KeyFilter;
import dev.pkauth.internal.KeyRecord;
import dev.pkauth.internal.KeyRepository;
import dev.pkauth.internal.SecretHasher;
import dev.pkauth.internal.StoreMetrics;
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
    private final boolean rehashAllowed;
    private final int maxKeysPerUser;
    /** Per-key windows counted in this process (SQLite, in memory); PostgreSQL counts them in the database. */
    private final FixedWindows rateWindows;
    /** PostgreSQL: this instance's leases of the shared windows. */
    private final WindowLeases leases;
    private final WindowLeases.Leaser leaser;
    private final UsageLimits.RateLimit defaultRateLimit;
    /** Rejected keys per client address, or {@code null} when that budget is off. */
    private final FixedWindows failedByAddress;
    private final UsageLimits.RateLimit failedAuthLimit;
    private final Clock clock;
    private final TouchWriter touches;
    private final ExecutorService ownedExecutor;
    private final String description;
    private final KeyCache cache;
    private final CacheGroup peers;
    private final AutoCloseable watch;
    /** Ids whose re-hash under the current pepper is queued, so a hot key queues it once. */
    private final java.util.Set<String> rehashing;
    private final AtomicBoolean closed;
    /** Who management calls are recorded as in the audit log. */
    private final String actor;
    private final AuditListener auditListener;
    /** A view made by {@link #withActor}: shares everything with its store and closes nothing. */
    private final boolean view;
    private final StoreMetrics metrics;

    private ApiKeyStore(Builder b, KeyRepository repository, List<String> peppers, String description, Object database) {
        this.rehashing = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.closed = new AtomicBoolean();
        this.actor = DEFAULT_ACTOR;
        this.auditListener = b.auditListener;
        this.view = false;
        this.metrics = b.meterRegistry == null ? StoreMetrics.NONE
                : new dev.pkauth.internal.metrics.MicrometerMetrics(b.meterRegistry, b.table);
        this.repository = repository;
        this.hasher = new SecretHasher(peppers);
        // A key verified under a previous pepper moves to the current one, never to the public development pepper.
        this.rehashAllowed = !peppers.get(0).equals(DEVELOPMENT_PEPPER);
        this.maxKeysPerUser = b.maxKeysPerUser != null ? b.maxKeysPerUser : DEFAULT_MAX_KEYS_PER_USER;
        this.clock = b.clock != null ? b.clock : Clock.systemUTC();
        this.defaultRateLimit = b.defaultRateLimit;
        this.rateWindows = new FixedWindows(MAX_TRACKED, this.clock, true);
        this.leases = new WindowLeases(MAX_TRACKED, this.clock);
        this.leaser = repository::leaseHits;
        this.failedAuthLimit = b.failedAuthLimit != null ? b.failedAuthLimit.orElse(null) : DEFAULT_FAILED_AUTH_LIMIT;
        this.failedByAddress = failedAuthLimit == null ? null : new FixedWindows(MAX_TRACKED, this.clock, false);
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
        this.touches = new TouchWriter(repository, executor, interval, metrics);
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
            metrics.bindCache(cache);
            this.description = description + ", cache ttl " + ttl.toSeconds() + "s";
        }
    }

    /** Newest keys looked at by {@link #warnOfForeignPeppers}: an indexed read, whatever the table's size. */
    private static final int PEPPER_SAMPLE = 100;

    /**
     * At start, says so when the newest keys were hashed under a pepper this process does not have:
     * the usual cause of "every key is invalid" after a deployment.
     */
    private void warnOfForeignPeppers(Settings s, String where) {
        List<String> fingerprints;
        try {
            fingerprints = repository.recentPepperIds(PEPPER_SAMPLE);
        } catch (StoreUnavailableException e) {
            log.debug("pkauth: could not read the keys' pepper fingerprints: {}", e.getMessage());
            return;
        }
        List<String> foreign = fingerprints.stream().filter(f -> !hasher.knows(f)).distinct().toList();
        if (foreign.isEmpty()) return;
        long count = fingerprints.stream().filter(f -> !hasher.knows(f)).count();
        log.warn("pkauth: {} of the {} newest keys in {} were hashed under a pepper this process does not have "
                + "(fingerprint {}; this process has {}); they will not verify until {} or {} holds that pepper",
                count, fingerprints.size(), where, String.join(", ", foreign), String.join(", ", hasher.fingerprints()),
                s.describe(Settings.PEPPER), s.describe(Settings.PEPPER_PREVIOUS));
    }

    /** The same store, recording {@code actor} in the audit log; see {@link #withActor}. */
    private ApiKeyStore(ApiKeyStore base, String actor) {
        this.repository = base.repository;
        this.hasher = base.hasher;
        this.rehashAllowed = base.rehashAllowed;
        this.maxKeysPerUser = base.maxKeysPerUser;
        this.rateWindows = base.rateWindows;
        this.leases = base.leases;
        this.leaser = base.leaser;
        this.defaultRateLimit = base.defaultRateLimit;
        this.failedByAddress = base.failedByAddress;
        this.failedAuthLimit = base.failedAuthLimit;
        this.clock = base.clock;
        this.touches = base.touches;
        this.ownedExecutor = base.ownedExecutor;
        this.description = base.description;
        this.cache = base.cache;
        this.peers = base.peers;
        this.watch = base.watch;
        this.rehashing = base.rehashing;
        this.closed = base.closed;
        this.actor = actor;
        this.auditListener = base.auditListener;
        this.view = true;
        this.metrics = base.metrics;
    }

    /** Recorded as the actor of management calls unless {@link #withActor} says otherwise. */
    public static final String DEFAULT_ACTOR = "application";

    /**
     * This store, recording {@code actor} as who made each management call in the audit log: a
     * user id, {@code cli:alice}, {@code support:bob}. The view shares everything with this store
     * (closing it does nothing); make one per request or per operator session.
     *
     * <pre>{@code
     * store.withActor("admin:" + adminId).disable(keyId);
     * }</pre>
     */
    public ApiKeyStore withActor(String actor) {
        if (actor == null || actor.isBlank() || actor.length() > 200 || actor.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an actor is 1 to 200 printable characters");
        }
        return new ApiKeyStore(this, actor);
    }

    private AuditRecord audit(String action, String keyId, String userId, String detail) {
        return new AuditRecord(nowSeconds(), actor, action, keyId, userId, detail);
    }

    /** Tells the listener of a committed change; a listener's failure never undoes it. */
    private void announce(AuditRecord a, String detail) {
        if (auditListener == null) return;
        try {
            auditListener.onEvent(new AuditEvent(null, Instant.ofEpochSecond(a.at()), a.actor(), a.action(), a.keyId(),
                    a.userId(), detail != null ? detail : a.detail()));
        } catch (RuntimeException e) {
            log.warn("pkauth: the audit listener failed on {} (the change stands): {}", a.action(), e.toString());
        }
    }

    static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(10);
    static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofMillis(750);
    static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofSeconds(2);
    static final long DEFAULT_CACHE_SIZE = 100_000;
    /** Rejected keys a client address may present per window before lookups stop: 20 a minute. */
    static final UsageLimits.RateLimit DEFAULT_FAILED_AUTH_LIMIT = new UsageLimits.RateLimit(20, Duration.ofMinutes(1));
    /** Most keys and addresses whose windows are remembered; beyond it the least recent are forgotten. */
    static final long MAX_TRACKED = 100_000;
    /** The largest page {@link #list(String, boolean, int, String)} returns. */
    public static final int MAX_PAGE_SIZE = 500;
    static final int DEFAULT_MAX_KEYS_PER_USER = 100;
    /** A required pepper is at least this many bytes (UTF-8): as much entropy as the HMAC's output. */
    static final int MIN_REQUIRED_PEPPER_BYTES = 32;

    private static Duration minimum(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Optional<KeyEntry> lookup(String id) {
        return cache == null ? load(id) : cache.get(id, this::load);
    }

    private Optional<KeyEntry> load(String id) {
        long started = System.nanoTime();
        Optional<KeyRecord> found = repository.find(id);
        metrics.lookup(System.nanoTime() - started);
        return found.map(r -> {
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

    /** Lookups that reached the database through the cache so far (tests measure invalidation with it). */
    long cacheMisses() {
        return cache == null ? 0 : cache.misses();
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
        return check(token, null);
    }

    private Verification check(String token, String clientAddress) {
        try {
            Verification v = verifyOnce(token, clientAddress);
            metrics.verified(v);
            return v;
        } catch (StoreUnavailableException e) {
            metrics.unavailable();
            throw e;
        }
    }

    private Verification verifyOnce(String token, String clientAddress) {
        ensureOpen();
        if (!Tokens.isWellFormed(token)) {
            log.debug("pkauth: rejected a malformed key");
            return new Verification.Invalid(Verification.Reason.MALFORMED, null);
        }
        String id = Tokens.idOf(token);
        KeyEntry entry = lookup(id).orElse(null);
        SecretHasher.Match match = entry == null
                ? hasher.check(token, Tokens.SECRET_START, null)
                : hasher.check(token, Tokens.SECRET_START, entry.hash(), entry.row().pepperId());
        if (entry == null) return invalid(Verification.Reason.NOT_FOUND, id);
        if (match == SecretHasher.Match.NONE) return invalid(Verification.Reason.BAD_SECRET, id);
        if (match == SecretHasher.Match.FOREIGN_PEPPER) {
            log.debug("pkauth: key {} was hashed under a pepper this process does not have", entry.row().prefix());
            return invalid(Verification.Reason.UNKNOWN_PEPPER, id);
        }
        KeyRecord row = entry.row();
        // Under a previous pepper: re-hash under the current one. Under the current one but with no
        // fingerprint recorded (Pylon's rows, older pkauth's): record it, hash unchanged.
        boolean rehash = match == SecretHasher.Match.PREVIOUS && rehashAllowed;
        boolean record = match == SecretHasher.Match.CURRENT && row.pepperId() == null;
        if ((rehash || record) && rehashing.add(id)) {
            String oldHash = row.secretHash();
            String newHash = rehash ? hasher.hash(Tokens.secretOf(token)) : oldHash;
            String fingerprint = hasher.currentFingerprint();
            touches.submit(rehash ? "re-hash a key under the current pepper" : "record a key's pepper fingerprint", () -> {
                try {
                    repository.replaceHash(id, oldHash, newHash, fingerprint);
                    forget(id);
                } finally {
                    rehashing.remove(id);
                }
            });
        }
        long now = nowSeconds();
        if (row.revokedAt() != null) return invalid(Verification.Reason.REVOKED, id);
        if (row.ops().disabledAt() != null) return invalid(Verification.Reason.DISABLED, id);
        if (row.expiresAt() != null && row.expiresAt() <= now) return invalid(Verification.Reason.EXPIRED, id);
        touches.used(row, now, clientAddress);
        return new Verification.Valid(entry.metadata(), entry.principal());
    }

    /**
     * Verifies a token presented by {@code clientAddress}, within that address's budget of
     * rejected keys ({@code failed-auth-limit}, default 20 a minute). Once an address is over it,
     * keys already in memory are still checked (they cost no database work, and a client behind a
     * shared NAT keeps its working key), and anything that would need a lookup is answered
     * {@link Verification.Throttled} until the window ends. Rejected keys count against the
     * address; a right key never does, so nobody is locked out by someone else's guesses except
     * for keys not yet in memory. IPv6 addresses share one budget per /64.
     *
     * @param clientAddress the address the container reports ({@code getRemoteAddr()}); {@code null} skips the budget
     * @throws StoreUnavailableException when the backend cannot answer
     */
    public Verification verify(String token, String clientAddress) {
        if (failedByAddress == null || clientAddress == null) return check(token, clientAddress);
        long now = nowSeconds();
        String budget = budgetOf(clientAddress);
        FixedWindows.Window w = failedByAddress.peek(budget, now);
        if (w != null && w.hits() >= failedAuthLimit.requests()
                && !(Tokens.isWellFormed(token) && cache != null && cache.contains(Tokens.idOf(token)))) {
            Verification throttled = new Verification.Throttled(Math.max(1, w.end() - now));
            metrics.verified(throttled);
            metrics.limitHit("failed_auth");
            return throttled;
        }
        Verification v = check(token, clientAddress);
        if (!v.isValid()) failedByAddress.hit(budget, failedAuthLimit.window().toSeconds(), now);
        return v;
    }

    /**
     * Whose budget an address spends: an IPv4 address its own; an IPv6 address its /64, since one
     * client usually holds a whole /64 and could otherwise rotate through it for free.
     */
    static String budgetOf(String address) {
        if (address.indexOf(':') < 0) return address;
        long[] bits = new long[2];
        if (!IpAllowlist.parseAddress(address, bits)) return address;
        if (bits[0] == 0 && (bits[1] >>> 32) == 0xffffL) return address; // IPv4-mapped: one client, its own budget
        return "v6:" + Long.toHexString(bits[0]) + "::/64";
    }

    // --- usage limits -----------------------------------------------------------------------

    /**
     * Meters one request of an authenticated and authorized key: its rate limit (or the store's
     * default), then one credit. Filters call it after the scopes check, so a refused scope
     * spends nothing. A key without limits costs nothing here: no database work, no allocation.
     *
     * <p>On PostgreSQL the window is shared by every process on the database, leased in chunks
     * (one round trip per chunk; never over the limit, see {@link WindowLeases}); on SQLite and in
     * memory it is this process's. Credits are spent in the database, one conditional UPDATE per
     * request, exact across processes on every backend.
     *
     * @throws StoreUnavailableException when the database cannot answer
     */
    public Usage admit(ApiKeyPrincipal principal) {
        ensureOpen();
        UsageLimits l = principal.limits();
        UsageLimits.RateLimit rate = l.rateLimit() != null ? l.rateLimit() : defaultRateLimit;
        if (rate == null && l.credits() == null) return Usage.UNLIMITED;
        return meter(principal.keyId(), rate, l.credits() == null ? 0 : 1);
    }

    /**
     * Spends {@code credits} of the key's credits for a unit of the host's own (an expensive call
     * costs 5, say), without counting a request against its rate limit. Refused, with nothing
     * spent, when fewer are left. A key with unlimited credits is always allowed.
     *
     * <pre>{@code
     * Usage usage = store.consume(principal, 5);
     * if (usage instanceof Usage.Exhausted e) return status(429).header("Retry-After", e.retryAfterSeconds());
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code credits} is below 1
     */
    public Usage consume(ApiKeyPrincipal principal, long credits) {
        ensureOpen();
        if (credits < 1) throw new IllegalArgumentException("credits to consume must be at least 1, was " + credits);
        if (principal.limits().credits() == null) return Usage.UNLIMITED;
        return meter(principal.keyId(), null, credits);
    }

    private Usage meter(String id, UsageLimits.RateLimit rate, long cost) {
        long now = nowSeconds();
        Usage.RateState state = null;
        if (rate != null) {
            long window = rate.window().toSeconds();
            long hits;
            long end;
            if (repository.sharesWindows()) {
                WindowLeases.Decision d = leases.admit(id, rate.requests(), window, now, leaser);
                end = d.end();
                hits = d.allowed() ? rate.requests() - d.remaining() : rate.requests() + 1L;
            } else {
                FixedWindows.Hit hit = rateWindows.hit(id, window, now);
                end = hit.end();
                hits = hit.hits();
            }
            state = rateState(rate, hits, end, now);
            if (hits > rate.requests()) {
                metrics.limitHit("rate");
                return new Usage.RateLimited(state);
            }
        }
        if (cost == 0) return new Usage.Allowed(state, null);
        KeyRepository.Spend spend = repository.spend(id, cost, now);
        if (!spend.spent()) {
            metrics.limitHit("credits");
            return new Usage.Exhausted(state, repository.secondsToRefill(id, now));
        }
        return new Usage.Allowed(state, spend.remaining());
    }

    private static Usage.RateState rateState(UsageLimits.RateLimit rate, long hits, long end, long now) {
        return new Usage.RateState(rate.requests(), rate.window().toSeconds(), Math.max(0, rate.requests() - hits),
                Math.max(1, end - now));
    }

    /**
     * Sets a key's limits: rate limit, credits (as given) and refill (its clock restarting now).
     * Takes effect at once here and, like a revocation, in other processes as soon as the change
     * reaches them.
     *
     * @return the updated key, or empty when there is no such unrevoked key
     */
    public Optional<ApiKey> limits(String id, UsageLimits limits) {
        ensureOpen();
        Objects.requireNonNull(limits, "limits");
        AuditRecord a = audit("limits", id, null, "{\"limits\":" + Json.quote(limits.toString()) + "}");
        if (!Tokens.isWellFormedId(id) || !repository.setLimits(id, limits, nowSeconds(), a)) return Optional.empty();
        forget(id);
        announce(a, null);
        return find(id);
    }

    private static Verification.Invalid invalid(Verification.Reason reason, String id) {
        String prefix = Tokens.prefixOfId(id);
        log.debug("pkauth: rejected key {}: {}", prefix, reason);
        return new Verification.Invalid(reason, prefix);
    }

    // --- management -----------------------------------------------------------------------

    /**
     * Mints a key for a user, as an operator or the application itself would. The returned token
     * is the only copy: it is not stored and cannot be shown again.
     *
     * @param userId the owner; non-empty
     * @param name a label for the owner ("CI"), at most 200 characters; {@code null} for none
     * @param scopes scopes granted; trimmed, non-empty, no commas or whitespace
     * @param expiresAt when it stops working (in the future), or {@code null} for never
     * @throws IllegalArgumentException when an argument is invalid; the message says which
     * @throws KeyLimitExceededException when the user already has {@link Builder#maxKeysPerUser the
     *     most active keys} allowed
     */
    public IssuedKey create(String userId, String name, Collection<String> scopes, Instant expiresAt) {
        return create(userId, name, scopes, expiresAt, UsageLimits.NONE);
    }

    /**
     * Mints a key with usage limits (rate limit, credits, refill).
     *
     * @see #create(String, String, Collection, Instant)
     */
    public IssuedKey create(String userId, String name, Collection<String> scopes, Instant expiresAt, UsageLimits limits) {
        return create(userId, KeySpec.of(name, scopes).expiresAt(expiresAt).limits(Objects.requireNonNull(limits, "limits")));
    }

    /**
     * Mints a key as {@code spec} describes it: name, scopes, expiry, usage limits, metadata and
     * allowed client addresses.
     *
     * <pre>{@code
     * store.create("acme", KeySpec.of("deploy bot", List.of("deploy:run"))
     *         .metadata("{\"plan\":\"pro\"}").allowedIps(IpAllowlist.parse("203.0.113.0/24")));
     * }</pre>
     *
     * @see #create(String, String, Collection, Instant)
     */
    public IssuedKey create(String userId, KeySpec spec) {
        ensureOpen();
        return mint(Validation.userId(userId), null, Objects.requireNonNull(spec, "spec"));
    }

    /**
     * Mints a key on behalf of the key a request was authenticated with: self-service. A key can
     * only mint keys that are weaker and shorter-lived than itself, and dies with them: the new
     * key belongs to the same user, may hold only scopes the minting key holds, expires no later
     * than it (a later or missing expiry is capped), and is revoked whenever the minting key is.
     *
     * <pre>{@code
     * ApiKeyPrincipal caller = ...; // from the request
     * IssuedKey laptop = store.create(caller, "laptop", List.of("docs:read"), Instant.now().plus(Duration.ofDays(30)));
     * }</pre>
     *
     * @param minter the principal of the key asking
     * @throws SecurityException when a scope is asked for that the minting key does not hold
     * @throws IllegalStateException when the minting key is no longer active
     * @throws KeyLimitExceededException when its user already has the most active keys allowed
     * @throws IllegalArgumentException when an argument is invalid
     */
    public IssuedKey create(ApiKeyPrincipal minter, String name, Collection<String> scopes, Instant expiresAt) {
        return create(minter, KeySpec.of(name, scopes).expiresAt(expiresAt));
    }

    /**
     * Mints a key with usage limits on behalf of a key. The limits may be no looser than the
     * minting key's ({@link UsageLimits#withinOf}): a limited key cannot mint an unlimited one.
     *
     * @throws SecurityException when a scope or a limit would be looser than the minting key's
     * @see #create(ApiKeyPrincipal, String, Collection, Instant)
     */
    public IssuedKey create(ApiKeyPrincipal minter, String name, Collection<String> scopes, Instant expiresAt,
            UsageLimits limits) {
        return create(minter, KeySpec.of(name, scopes).expiresAt(expiresAt).limits(Objects.requireNonNull(limits, "limits")));
    }

    /**
     * Mints a key as {@code spec} describes it on behalf of a key. What the spec leaves unset
     * (limits, allowlist) is inherited from the minting key; what it sets may be no looser: scopes
     * it holds, limits within its own, addresses inside its allowlist.
     *
     * @throws SecurityException when a scope, a limit or an address range would be looser than the minting key's
     */
    public IssuedKey create(ApiKeyPrincipal minter, KeySpec spec) {
        ensureOpen();
        Objects.requireNonNull(minter, "minter");
        Objects.requireNonNull(spec, "spec");
        // With nothing asked for, a limited key's child gets the same limits (credits as last read) and addresses.
        UsageLimits limits = spec.limits() != null ? spec.limits() : minter.limits();
        IpAllowlist ips = spec.allowedIps() != null ? spec.allowedIps() : minter.allowedIps();
        if (minter.allowedIps() != null && !ips.within(minter.allowedIps())) {
            throw new SecurityException("a key cannot mint a key usable from addresses its own allowlist excludes ("
                    + minter.allowedIps() + ")");
        }
        Collection<String> scopes = spec.scopes();
        if (!limits.withinOf(minter.limits())) {
            throw new SecurityException("a key cannot mint a key with looser usage limits than its own (" + minter.limits()
                    + ")");
        }
        List<String> notHeld = Validation.scopes(scopes).stream().filter(scope -> !minter.hasScope(scope)).toList();
        if (!notHeld.isEmpty()) {
            throw new SecurityException("a key cannot grant scopes it lacks: " + String.join(" ", notHeld));
        }
        return mint(minter.userId(), minter.keyId(), spec.limits(limits).allowedIps(ips));
    }

    private IssuedKey mint(String user, String parentId, KeySpec spec) {
        String label = Validation.name(spec.name());
        List<String> granted = Validation.scopes(spec.scopes());
        UsageLimits limits = spec.limits() == null ? UsageLimits.NONE : spec.limits();
        long now = nowSeconds();
        Long expires = futureSeconds(spec.expiresAt(), now);
        Tokens.Minted minted = Tokens.mint();
        KeyRecord draft = new KeyRecord(minted.id(), user, label, minted.prefix(), hasher.hash(minted.secret()), granted,
                expires, null, now, null, parentId, limits, limits.refill() == null ? null : now,
                new KeyRecord.Ops(null, null, spec.metadata(), spec.allowedIps() == null ? null : spec.allowedIps().toString(), null),
                hasher.currentFingerprint());
        AuditRecord created = audit("create", draft.id(), user, "{\"scopes\":" + Json.quote(String.join(" ", granted))
                + (parentId == null ? "" : ",\"created_by\":" + Json.quote(parentId)) + "}");
        KeyRecord row = repository.create(draft, now, maxKeysPerUser, (parent, d) -> {
            if (d.createdBy() == null) return d;
            if (parent == null || !parent.activeAt(now) || !parent.userId().equals(d.userId())) {
                throw new IllegalStateException("the key minting this one is no longer active");
            }
            // Never outlive the parent: the stored row is the authority, not the request's principal.
            if (parent.expiresAt() != null && (d.expiresAt() == null || d.expiresAt() > parent.expiresAt())) {
                return d.withExpiresAt(parent.expiresAt());
            }
            return d;
        }, created).orElseThrow(() -> new KeyLimitExceededException("user " + user + " already has " + maxKeysPerUser
                + " active keys, the most allowed (" + Settings.environmentName(Settings.MAX_KEYS_PER_USER)
                + "); revoke one first"));
        forget(row.id()); // in case this id was looked up (and found absent) before
        announce(created, null);
        log.debug("pkauth: created key {} for user {}{}", row.prefix(), user,
                parentId == null ? "" : " minted by " + Tokens.prefixOfId(parentId));
        return new IssuedKey(minted.token(), toApiKey(row));
    }

    /** The key with this id, if any. */
    public Optional<ApiKey> find(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return Optional.empty();
        return repository.find(id).map(ApiKeyStore::toApiKey);
    }

    /**
     * All the user's unrevoked keys (expired ones included), newest first, read page by page.
     * For HTTP answers use {@link #list(String, boolean, int, String)}, which returns one page.
     */
    public List<ApiKey> list(String userId) {
        return list(userId, false);
    }

    /** All the user's keys, newest first, read page by page; revoked ones too when {@code includeRevoked}. */
    public List<ApiKey> list(String userId, boolean includeRevoked) {
        List<ApiKey> all = new ArrayList<>();
        String after = null;
        do {
            KeyPage page = list(userId, includeRevoked, MAX_PAGE_SIZE, after);
            all.addAll(page.keys());
            after = page.next();
        } while (after != null);
        return List.copyOf(all);
    }

    /**
     * One page of the user's keys, newest first (keyset pagination: a page costs an index range
     * scan however many keys come before it).
     *
     * @param limit the page size, 1 to {@value #MAX_PAGE_SIZE}
     * @param after {@link KeyPage#next()} of the previous page, or {@code null} for the first
     * @throws IllegalArgumentException when the limit is out of range or the cursor is not one this store gave
     */
    public KeyPage list(String userId, boolean includeRevoked, int limit, String after) {
        ensureOpen();
        String user = Validation.userId(userId);
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + MAX_PAGE_SIZE + ", was " + limit);
        }
        Cursor cursor = Cursor.parse(after);
        // One more than asked says whether another page follows.
        List<KeyRecord> rows = repository.query(new KeyFilter(user, includeRevoked ? null : "unrevoked", null, null,
                nowSeconds()), limit + 1, cursor == null ? null : cursor.createdAt(), cursor == null ? null : cursor.id());
        return page(rows, limit);
    }

    /** A keyset position: the creation second and id of the last key of a page ({@code 1767225600.key_…}). */
    private record Cursor(long createdAt, String id) {
        static Cursor parse(String text) {
            if (text == null) return null;
            int dot = text.indexOf('.');
            try {
                String id = text.substring(dot + 1);
                if (dot > 0 && Tokens.isWellFormedId(id)) return new Cursor(Long.parseLong(text.substring(0, dot)), id);
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // reported below
            }
            throw new IllegalArgumentException("not a page cursor: " + Validation.printable(text));
        }
    }

    /** The first {@code limit} rows as a page; a further row means there is a next page. */
    private KeyPage page(List<KeyRecord> rows, int limit) {
        List<ApiKey> keys = new ArrayList<>(Math.min(rows.size(), limit));
        for (int i = 0; i < rows.size() && i < limit; i++) keys.add(toApiKey(rows.get(i)));
        String next = null;
        if (rows.size() > limit) {
            KeyRecord last = rows.get(limit - 1);
            next = last.createdAt() + "." + last.id();
        }
        return new KeyPage(keys, next);
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
        AuditRecord a = audit("refresh", id, null, "{\"expires_at\":" + expires + "}");
        if (!Tokens.isWellFormedId(id) || !repository.updateExpiry(id, expires, a)) return Optional.empty();
        forget(id);
        announce(a, null);
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
        if (old.createdBy() != null) {
            // The successor takes the old key's place in the lineage, so it too never outlives its parent.
            Long parentExpiry = repository.find(old.createdBy()).map(KeyRecord::expiresAt).orElse(null);
            if (parentExpiry != null && (newExpiry == null || newExpiry > parentExpiry)) newExpiry = parentExpiry;
        }
        KeyRecord successor = new KeyRecord(minted.id(), old.userId(), old.name(), minted.prefix(),
                hasher.hash(minted.secret()), old.scopes(), newExpiry, null, now, null, old.createdBy(), old.limits(),
                old.lastRefillAt(), new KeyRecord.Ops(null, null, old.ops().metadata(), old.ops().allowedIps(), null),
                hasher.currentFingerprint());
        AuditRecord a = audit("rotate", id, old.userId(), "{\"successor\":" + Json.quote(successor.id()) + "}");
        if (!repository.rotate(id, oldExpiry, oldRevoked, successor, a)) return Optional.empty();
        forget(id);
        announce(a, null);
        log.debug("pkauth: rotated key {} to {}", old.prefix(), successor.prefix());
        return Optional.of(new IssuedKey(minted.token(), toApiKey(successor)));
    }

    /**
     * Revokes a key and every key minted from it, transitively, in one transaction: they fail
     * verification from now on, in this process at once and in others as soon as the change
     * reaches them. Rows stay for audit.
     *
     * @return true when this call revoked the key itself; false when unknown or already revoked
     *     (keys minted from an already revoked key are still revoked)
     */
    public boolean revoke(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audit("revoke", id, null, null);
        List<String> revoked = repository.revokeTree(id, nowSeconds(), a);
        forget(id);
        for (String r : revoked) forget(r);
        if (!revoked.isEmpty()) announce(a, "{\"revoked\":" + revoked.size() + "}");
        if (!revoked.isEmpty()) {
            log.debug("pkauth: revoked key {} and {} key(s) minted from it", Tokens.prefixOfId(id),
                    revoked.size() - (revoked.contains(id) ? 1 : 0));
        }
        return revoked.contains(id);
    }

    /** Deletes a key's row for good. @return true when it existed */
    public boolean purge(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audit("purge", id, null, null);
        boolean deleted = repository.delete(id, a);
        forget(id);
        if (deleted) announce(a, null);
        return deleted;
    }

    // --- operating keys -------------------------------------------------------------------

    /**
     * Disables a key, and every key minted from it, until {@link #enable}: they fail verification
     * with {@link Verification.Reason#DISABLED} (401 "the API key is disabled" when the secret was
     * right), at once here and in other processes as soon as the change reaches them. Nothing is
     * lost: enabling restores them, and keys that were disabled on their own stay disabled.
     *
     * @return true when the key was disabled by this call; false when unknown, revoked or already disabled
     */
    public boolean disable(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audit("disable", id, null, null);
        List<String> changed = repository.disableTree(id, nowSeconds(), a);
        for (String c : changed) forget(c);
        if (!changed.isEmpty()) announce(a, "{\"disabled\":" + changed.size() + "}");
        return !changed.isEmpty();
    }

    /**
     * Enables a key disabled by {@link #disable}, and the keys minted from it that its disabling
     * disabled. A key disabled through the key that minted it is enabled by enabling that key.
     *
     * @return true when anything was enabled
     */
    public boolean enable(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audit("enable", id, null, null);
        List<String> changed = repository.enableTree(id, a);
        for (String c : changed) forget(c);
        if (!changed.isEmpty()) announce(a, "{\"enabled\":" + changed.size() + "}");
        return !changed.isEmpty();
    }

    /**
     * Sets (or, with {@code null}, clears) a key's metadata: a JSON object of at most 4 KB that the
     * host reads back on {@link ApiKey#metadata()} and {@link ApiKeyPrincipal#metadata()}.
     *
     * @return the updated key, or empty when there is no such unrevoked key
     * @throws IllegalArgumentException when it is not a JSON object or too long
     */
    public Optional<ApiKey> metadata(String id, String json) {
        ensureOpen();
        String checked = json == null ? null : KeySpec.checkMetadata(json);
        AuditRecord a = audit("metadata", id, null, null);
        if (!Tokens.isWellFormedId(id) || !repository.setMetadata(id, checked, a)) return Optional.empty();
        forget(id);
        announce(a, null);
        return find(id);
    }

    /**
     * Restricts a key to client addresses (or, with {@code null}, lifts the restriction). A valid
     * key used from elsewhere answers 403 {@code ip_not_allowed}.
     *
     * @return the updated key, or empty when there is no such unrevoked key
     */
    public Optional<ApiKey> allowedIps(String id, IpAllowlist ips) {
        ensureOpen();
        AuditRecord a = audit("allowed-ips", id, null, ips == null ? "{\"allowed_ips\":null}"
                : "{\"allowed_ips\":" + Json.quote(ips.toString()) + "}");
        if (!Tokens.isWellFormedId(id) || !repository.setAllowedIps(id, ips == null ? null : ips.toString(), a)) {
            return Optional.empty();
        }
        forget(id);
        announce(a, null);
        return find(id);
    }

    /**
     * Revokes every key of a user in one statement (offboarding): they fail at once here and, as
     * the change reaches them, in every other process.
     *
     * @return how many keys this revoked
     */
    public int revokeAll(String userId) {
        ensureOpen();
        String user = Validation.userId(userId);
        AuditRecord a = audit("revoke-all", null, user, null);
        List<String> revoked = repository.revokeAll(user, nowSeconds(), a);
        for (String id : revoked) forget(id);
        announce(a, "{\"revoked\":" + revoked.size() + "}");
        log.debug("pkauth: revoked all {} key(s) of user {}", revoked.size(), user);
        return revoked.size();
    }

    /**
     * Keys of all users (or one), filtered by status, expiry and use, newest first, one keyset
     * page at a time. Each filter is served by an index.
     */
    public KeyPage query(KeyQuery q) {
        ensureOpen();
        if (q.limit() < 1 || q.limit() > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + MAX_PAGE_SIZE + ", was " + q.limit());
        }
        long now = nowSeconds();
        Cursor after = Cursor.parse(q.after());
        List<KeyRecord> rows = repository.query(filter(q, now), q.limit() + 1, after == null ? null : after.createdAt(),
                after == null ? null : after.id());
        return page(rows, q.limit());
    }

    private KeyFilter filter(KeyQuery q, long now) {
        return new KeyFilter(q.userId() == null ? null : Validation.userId(q.userId()),
                q.status() == null ? null : q.status().name().toLowerCase(java.util.Locale.ROOT),
                q.expiringWithin() == null ? null : saturatedAdd(now, q.expiringWithin().toSeconds()),
                q.unusedFor() == null ? null : now - q.unusedFor().toSeconds(), now);
    }

    /** How many keys a query selects (for dry runs and reports); pages and limits are ignored. */
    public long count(KeyQuery q) {
        ensureOpen();
        return repository.count(filter(q, nowSeconds()));
    }

    /**
     * Revokes keys not used for {@code unusedFor} (never-used keys count from their creation), in
     * batches of 1,000, each its own transaction with an audit row. With {@code dryRun} nothing
     * changes and the count is what would be revoked.
     *
     * @param progress told the running total after each batch; may be {@code null}
     * @return how many keys were (or would be) revoked
     */
    public long sweepUnused(Duration unusedFor, boolean dryRun, java.util.function.LongConsumer progress) {
        ensureOpen();
        if (unusedFor.isNegative() || unusedFor.isZero()) throw new IllegalArgumentException("unusedFor must be positive");
        long now = nowSeconds();
        long cutoff = now - unusedFor.toSeconds();
        if (dryRun) return repository.count(new KeyFilter(null, null, null, cutoff, now));
        long total = 0;
        List<String> batch;
        do {
            AuditRecord a = audit("sweep", null, null, null);
            batch = repository.revokeUnused(cutoff, now, JdbcKeyRepository.BATCH, a);
            for (String id : batch) forget(id);
            total += batch.size();
            if (!batch.isEmpty()) announce(a, "{\"revoked\":" + batch.size() + ",\"unused_before\":" + cutoff + "}");
            if (progress != null && !batch.isEmpty()) progress.accept(total);
        } while (batch.size() == JdbcKeyRepository.BATCH);
        return total;
    }

    /**
     * Deletes keys revoked, or expired, more than {@code olderThan} ago, in batches of 1,000 with
     * an audit row each. With {@code dryRun} nothing changes and the count is what would go.
     *
     * @param progress told the running total after each batch; may be {@code null}
     * @return how many rows were (or would be) deleted
     */
    public long purgeEnded(Duration olderThan, boolean dryRun, java.util.function.LongConsumer progress) {
        ensureOpen();
        if (olderThan.isNegative()) throw new IllegalArgumentException("olderThan must not be negative");
        long cutoff = nowSeconds() - olderThan.toSeconds();
        if (dryRun) return repository.countPurgeable(cutoff);
        long total = 0;
        int n;
        do {
            AuditRecord a = audit("purge", null, null, null);
            n = repository.purgeBatch(cutoff, JdbcKeyRepository.BATCH, a);
            total += n;
            if (n > 0) announce(a, "{\"deleted\":" + n + ",\"ended_before\":" + cutoff + "}");
            if (progress != null && n > 0) progress.accept(total);
        } while (n == JdbcKeyRepository.BATCH);
        // Purged rows can no longer verify; cached copies would until their TTL.
        if (total > 0 && cache != null) cache.invalidateAll();
        return total;
    }

    /**
     * The audit log, newest first: what was done to a key, to a user's keys, or since a time
     * ({@code null}: any).
     *
     * @param beforeId the {@link AuditEvent#id()} of the last event of the previous page, or {@code null}
     * @param limit 1 to {@value #MAX_PAGE_SIZE}
     */
    public List<AuditEvent> auditLog(String keyId, String userId, Instant since, int limit, Long beforeId) {
        ensureOpen();
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE_SIZE + ", was " + limit);
        }
        return repository.audit(keyId, userId, since == null ? null : since.getEpochSecond(), limit, beforeId);
    }


    /** Writes pending {@code last_used_at} updates now, on the calling thread. */
    public void flush() {
        touches.flush();
    }

    /** Flushes pending writes, stops the writer thread and closes the pool this store made. */
    @Override
    public void close() {
        if (view || !closed.compareAndSet(false, true)) return;
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
                instant(r.revokedAt()), r.createdBy(), r.limits(), instant(r.ops().disabledAt()), r.ops().metadata(),
                r.ops().allowedIps() == null ? null : IpAllowlist.parse(r.ops().allowedIps()), r.ops().lastUsedIp());
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
        private Integer maxKeysPerUser;
        private UsageLimits.RateLimit defaultRateLimit;
        private Optional<UsageLimits.RateLimit> failedAuthLimit;
        private AuditListener auditListener;
        /** A Micrometer MeterRegistry, kept as Object so Micrometer stays optional at run time. */
        private Object meterRegistry;
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
         * Connections for verification lookups in the pool the store makes; default 4 on SQLite, 10 on
         * PostgreSQL. With the cache on, that pool has one more, held by the change watcher.
         * Management calls (create, list, revoke…) use a second pool of their own (2 connections on
         * SQLite, 4 on PostgreSQL), so a burst of them cannot starve verification. A
         * {@link #dataSource(DataSource)} of the application's own serves both, and lends the
         * watcher one of its connections.
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

        /**
         * The most active (unrevoked, unexpired) keys one user may hold; default
         * {@value ApiKeyStore#DEFAULT_MAX_KEYS_PER_USER}. Creating another is refused with an
         * {@link IllegalStateException}, so one client cannot fill the table.
         */
        public Builder maxKeysPerUser(int max) {
            requireUnset(this.maxKeysPerUser, "maxKeysPerUser");
            if (max < 1) throw new IllegalArgumentException("maxKeysPerUser must be at least 1, was " + max);
            this.maxKeysPerUser = max;
            return this;
        }

        /**
         * The rate limit of keys that have none of their own; default none ({@code default-rate-limit}).
         */
        public Builder defaultRateLimit(UsageLimits.RateLimit limit) {
            requireUnset(this.defaultRateLimit, "defaultRateLimit");
            this.defaultRateLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * How many rejected keys one client address may present per window before keys that need a
         * lookup are refused unseen ({@link #verify(String, String)}); default 20 a minute,
         * {@code null} for no such budget ({@code failed-auth-limit}, {@code off}).
         */
        public Builder failedAuthLimit(UsageLimits.RateLimit limit) {
            requireUnset(this.failedAuthLimit, "failedAuthLimit");
            this.failedAuthLimit = Optional.ofNullable(limit);
            return this;
        }

        /**
         * Publishes the store's meters to {@code registry}: {@code pkauth.verifications} (by
         * {@code outcome} and {@code reason}), {@code pkauth.cache.gets} ({@code result} hit or
         * miss), {@code pkauth.store.lookups} (timer), {@code pkauth.store.unavailable},
         * {@code pkauth.touch.writes}, {@code pkauth.limits.hits} ({@code limit}), each tagged
         * with the {@code table}. Needs micrometer-core on the class path (an optional dependency).
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            requireUnset(this.meterRegistry, "meterRegistry");
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Told of every management action once committed, besides the audit table. */
        public Builder auditListener(AuditListener listener) {
            requireUnset(this.auditListener, "auditListener");
            this.auditListener = Objects.requireNonNull(listener, "listener");
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
            if (maxKeysPerUser == null && s.get(Settings.MAX_KEYS_PER_USER) != null) {
                maxKeysPerUser(parsePositiveInt(s.get(Settings.MAX_KEYS_PER_USER), s.describe(Settings.MAX_KEYS_PER_USER)));
            }
            if (defaultRateLimit == null && s.get(Settings.DEFAULT_RATE_LIMIT) != null) {
                defaultRateLimit(parseLimit(s, Settings.DEFAULT_RATE_LIMIT));
            }
            if (failedAuthLimit == null && s.get(Settings.FAILED_AUTH_LIMIT) != null) {
                String v = s.get(Settings.FAILED_AUTH_LIMIT);
                failedAuthLimit(v.equalsIgnoreCase("off") ? null : parseLimit(s, Settings.FAILED_AUTH_LIMIT));
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
                        queryTimeout != null ? queryTimeout : DEFAULT_QUERY_TIMEOUT, true);
                JdbcKeyRepository jdbc = new JdbcKeyRepository(db.dataSource(), db.lookups(), db.owned(), db.dialect(), table);
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
            ApiKeyStore store = new ApiKeyStore(this, repository, peppers, description, target.identity(table));
            store.warnOfForeignPeppers(s, description);
            return store;
        }

        /**
         * The current pepper first, then previous ones. Refuses what would silently weaken keys: a
         * required pepper that is missing, public or short; previous peppers without a current one
         * (they would re-hash every used key under the public development pepper); whitespace
         * around a pepper (one reader trims it, another does not, and they disagree on every key).
         */
        private List<String> resolvePeppers(Settings s) {
            String current = pepper != null ? pepper : checkedPepper(s.raw(Settings.PEPPER), s.describe(Settings.PEPPER));
            List<String> previous = previousPeppers;
            if (previous == null) {
                String csv = s.raw(Settings.PEPPER_PREVIOUS);
                List<String> list = new ArrayList<>();
                if (csv != null) {
                    for (String p : csv.split(",", -1)) {
                        list.add(checkedPepper(p, s.describe(Settings.PEPPER_PREVIOUS)
                                + " (separate peppers with commas only)"));
                    }
                }
                previous = list;
            }
            boolean require = requirePepper != null ? requirePepper : s.getBoolean(Settings.REQUIRE_PEPPER, false);
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
                int bytes = current.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (bytes < MIN_REQUIRED_PEPPER_BYTES) {
                    throw new IllegalStateException("a pepper is required but " + pepperName + " is only " + bytes
                            + " bytes long: use a random secret of at least " + MIN_REQUIRED_PEPPER_BYTES
                            + " bytes, e.g. openssl rand -base64 48");
                }
            }
            if (current == null) {
                if (warnedDevelopmentPepper.compareAndSet(false, true)) {
                    // Say what the builder was given: an exported PKAUTH_PEPPER it was never told to read is the usual surprise.
                    String given = settings == null
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

        private static String requirePepperValue(String pepper) {
            if (pepper == null || pepper.isEmpty()) throw new IllegalArgumentException("a pepper must not be empty");
            try {
                return checkedPepper(pepper, "pepper");
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }

        /** {@code null} stays null (unset); whitespace around a pepper is refused, never trimmed. */
        private static String checkedPepper(String pepper, String what) {
            if (pepper == null) return null;
            if (pepper.isEmpty()) throw new IllegalStateException(what + ": a pepper must not be empty");
            if (!pepper.equals(pepper.strip())) {
                throw new IllegalStateException(what + ": the pepper has leading or trailing whitespace (a newline "
                        + "from a file or an echo?); remove it, since readers that trim and readers that do not would "
                        + "hash keys differently");
            }
            return pepper;
        }

        private static UsageLimits.RateLimit parseLimit(Settings s, String name) {
            try {
                return UsageLimits.RateLimit.parse(s.get(name));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(s.describe(name) + ": " + e.getMessage(), e);
            }
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
