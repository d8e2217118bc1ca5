package dev.pkauth;

import org.jspecify.annotations.Nullable;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.config.Options;
import dev.pkauth.internal.jdbc.DatabaseTarget;
import dev.pkauth.internal.store.WindowLeases;
import dev.pkauth.internal.store.InMemoryKeyRepository;
import dev.pkauth.internal.jdbc.JdbcKeyRepository;
import dev.pkauth.internal.text.Json;
import dev.pkauth.internal.store.KeyFilter;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.KeyRepository;
import dev.pkauth.internal.metrics.StoreMetrics;
import dev.pkauth.internal.token.Tokens;
import dev.pkauth.internal.store.TouchWriter;
import dev.pkauth.internal.text.Validation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    /** The longest actor {@link #withActor} takes: a user id of the longest allowed length (255) and a prefix. */
    public static final int MAX_ACTOR_CHARS = 320;
    private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
    /** Pylon's development pepper, so development databases of both verify alike. */
    static final String DEVELOPMENT_PEPPER = StoreOptions.DEVELOPMENT_PEPPER;
    /** The largest page {@link #list(String, boolean, int, String)} and {@link #query} return. */
    public static final int MAX_PAGE_SIZE = 500;

    private final KeyRepository repository;
    private final KeyVerifier verifier;
    private final UsageMeter meter;
    private final TouchWriter touches;
    private final @Nullable ExecutorService ownedExecutor;
    private final Clock clock;
    private final int maxKeysPerUser;
    private final KeyPolicy keyPolicy;
    private final String description;
    /** Where the keys live, as {@link #location} says it. */
    private final String location;
    private final AtomicBoolean closed;
    /** Who management calls are recorded as in the audit log. */
    private final String actor;
    private final @Nullable AuditListener auditListener;
    /** A view made by {@link #withActor}: shares everything with its store and closes nothing. */
    private final boolean view;
    /** A view made by {@link #forKeyHolder}: its enable lifts only what a key holder disabled. */
    private final boolean keyHolder;

    private ApiKeyStore(StoreOptions o, KeyRepository repository, String description, String location, Object database) {
        this.repository = repository;
        this.location = location;
        this.clock = o.clock();
        this.maxKeysPerUser = o.maxKeysPerUser();
        this.keyPolicy = o.keyPolicy();
        this.auditListener = o.auditListener();
        this.closed = new AtomicBoolean();
        this.actor = DEFAULT_ACTOR;
        this.view = false;
        this.keyHolder = false;
        StoreMetrics metrics = o.meterRegistry() == null ? StoreMetrics.NONE
                : new dev.pkauth.internal.metrics.MicrometerMetrics(o.meterRegistry(), o.table());
        Executor executor = o.executor();
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
        this.touches = new TouchWriter(repository, executor, o.touchInterval().toSeconds(), metrics);
        this.verifier = new KeyVerifier(o, repository, database, touches, metrics);
        this.meter = new UsageMeter(o, repository, metrics, verifier::row);
        this.description = description + (o.caches() ? ", cache ttl " + o.cacheTtl().toSeconds() + "s" : ", no cache");
    }

    /** The same store, recording {@code actor} in the audit log; see {@link #withActor} and {@link #forKeyHolder}. */
    private ApiKeyStore(ApiKeyStore base, String actor, boolean keyHolder) {
        this.repository = base.repository;
        this.verifier = base.verifier;
        this.meter = base.meter;
        this.touches = base.touches;
        this.ownedExecutor = base.ownedExecutor;
        this.clock = base.clock;
        this.maxKeysPerUser = base.maxKeysPerUser;
        this.keyPolicy = base.keyPolicy;
        this.description = base.description;
        this.location = base.location;
        this.closed = base.closed;
        this.actor = actor;
        this.auditListener = base.auditListener;
        this.view = true;
        this.keyHolder = keyHolder;
    }

    /** Opens the database the options name (creating or upgrading its table unless told not to) and the store on it. */
    private static ApiKeyStore open(StoreOptions o, DatabaseTarget target, Settings settings) {
        KeyRepository repository;
        String description;
        if (target.isInMemory()) {
            repository = new InMemoryKeyRepository();
            description = "in-memory";
        } else {
            // The cache's change watcher holds one connection for good; do not take it from the requests.
            DatabaseTarget.Opened db = target.open(o.poolSize(), o.caches() ? 1 : 0, o.connectionTimeout(), o.queryTimeout(), true);
            JdbcKeyRepository jdbc = new JdbcKeyRepository(db.dataSource(), db.lookups(), db.owned(), db.dialect(), o.table());
            repository = jdbc;
            description = jdbc.dialect().name().toLowerCase(java.util.Locale.ROOT) + ", table=" + o.table();
            if (o.migrate()) {
                try {
                    jdbc.migrate();
                } catch (RuntimeException e) {
                    jdbc.close();
                    throw e;
                }
            }
        }
        // Stores of this JVM with equal identities share cache invalidations.
        ApiKeyStore store = new ApiKeyStore(o, repository, description, target.where() + " (table " + o.table() + ")",
                target.identity(o.table()));
        // One line an operator can compare with the CLI's and the other instances': the same
        // database, table and pepper fingerprint, or not (never a password, pepper or hash).
        log.info("pkauth: opened key store on {}, table {}, pepper fingerprint {}{}, {}, at most {} keys per user, "
                + "default rate limit {}, failed-auth limit {}", target.where(), o.table(), store.verifier.currentFingerprint(),
                o.rehashAllowed() ? "" : " (the public development pepper)",
                o.caches() ? "cache ttl " + o.cacheTtl().toSeconds() + "s" : "no cache", o.maxKeysPerUser(),
                o.defaultRateLimit() == null ? "none" : o.defaultRateLimit(),
                o.failedAuthLimit() == null ? "off" : o.failedAuthLimit());
        store.verifier.warnOfForeignPeppers(settings, description);
        return store;
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
     *
     * @param actor who the audit log records (a user id, {@code cli:alice}); 1 to {@value #MAX_ACTOR_CHARS}
     *     printable characters: any user id fits, with room for a prefix
     * @return a view of this store recording {@code actor}
     */
    public ApiKeyStore withActor(String actor) {
        if (actor == null || actor.isBlank() || actor.length() > MAX_ACTOR_CHARS
                || actor.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an actor is 1 to " + MAX_ACTOR_CHARS + " printable characters");
        }
        return new ApiKeyStore(this, actor, false);
    }

    /**
     * This store as a key holder acts on their own keys (the self-service endpoints do):
     * recorded in the audit log as {@code user:<userId>} (typed, so a user named {@code cli:root}
     * cannot pass for an operator), and a suspension holds against it. What
     * this view disables, it (and the operator) may enable again; what an operator (any other
     * view, or the store itself) disabled, it cannot; and no enable makes a key valid while a key
     * that minted it is disabled.
     *
     * @param userId the user making the request
     * @return a view of this store acting for the key holder
     */
    public ApiKeyStore forKeyHolder(String userId) {
        String actor = "user:" + Objects.requireNonNull(userId, "userId");
        return new ApiKeyStore(withActor(actor), actor, true);
    }

    private AuditRecord audit(String action, @Nullable String keyId, @Nullable String userId, @Nullable String detail) {
        return new AuditRecord(nowSeconds(), actor, action, keyId, userId, detail);
    }

    /** Tells the listener of a committed change; a listener's failure never undoes it. */
    private void announce(AuditRecord a, @Nullable String detail) {
        if (auditListener == null) return;
        try {
            auditListener.onEvent(new AuditEvent(null, Instant.ofEpochSecond(a.at()), a.actor(), a.action(), a.keyId(),
                    a.userId(), detail != null ? detail : a.detail()));
        } catch (RuntimeException e) {
            log.warn("pkauth: the audit listener failed on {} (the change stands): {}", a.action(), e.toString());
        }
    }

    /** Lookups that reached the database through the cache so far (tests measure invalidation with it). */
    long cacheMisses() {
        return verifier.cacheMisses();
    }

    private void forget(String id) {
        verifier.forget(id);
    }

    /**
     * A builder: choose a backend (a JDBC URL, a data source of the application's, or memory) and a
     * pepper, then {@link Builder#build()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    // --- verification ---------------------------------------------------------------------

    /**
     * Verifies a presented token. The secret is checked before expiry and revocation, and an
     * unknown id costs the same HMAC work as a wrong secret, so a caller without the secret learns
     * nothing from the answer or its timing.
     *
     * @param token the presented token ({@code pk.key_….…})
     * @return the verification: valid, or invalid with a reason
     * @throws StoreUnavailableException when the backend cannot answer (never for a bad key)
     */
    public Verification verify(String token) {
        ensureOpen();
        return verifier.verify(token, null);
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
     * @param token the presented token ({@code pk.key_….…})
     * @return the verification: valid, or invalid with a reason
     * @throws StoreUnavailableException when the backend cannot answer
     */
    public Verification verify(String token, @Nullable String clientAddress) {
        ensureOpen();
        return meter.verify(token, clientAddress, verifier);
    }

    /**
     * Checks a token without using it: the same answer as {@link #verify(String, String)}, but
     * {@code last_used_at} does not move and nothing is metered. For validity probes (a secret
     * scanner asking whether a found token is live), leak reports and scans, which must not make
     * a leaked key look used. Rejections still count against {@code clientAddress}'s budget.
     *
     * @param token the presented token
     * @param clientAddress the address the request came from; {@code null} skips the budget
     * @return the verification
     * @throws StoreUnavailableException when the backend cannot answer
     */
    public Verification inspect(String token, @Nullable String clientAddress) {
        ensureOpen();
        return meter.verify(token, clientAddress, verifier, false);
    }

    /**
     * What this store's tokens look like, for every prefix it accepts: the regular expression a
     * deployment registers with secret scanners, the checksum, finding tokens in text.
     *
     * @return the pattern
     */
    public TokenPattern tokenPattern() {
        return TokenPattern.of(verifier.format());
    }

    /** Whose budget of rejected keys an address spends (tests read it). */
    static String budgetOf(String address) {
        return UsageMeter.budgetOf(address);
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
     * @param principal the authenticated key's principal
     * @return what the request may use now: allowed, rate limited or out of credits
     * @throws StoreUnavailableException when the database cannot answer
     */
    public Usage admit(ApiKeyPrincipal principal) {
        ensureOpen();
        return meter.admit(principal);
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
     * @param principal the authenticated key's principal
     * @param credits how many credits, at least 1
     * @return whether the credits were spent, and how many are left
     * @throws IllegalArgumentException when {@code credits} is below 1
     */
    public Usage consume(ApiKeyPrincipal principal, long credits) {
        ensureOpen();
        if (credits < 1) throw new IllegalArgumentException("credits to consume must be at least 1, was " + credits);
        return meter.consume(principal, credits);
    }

    /**
     * Gives back {@code credits} that {@link #admit} or {@link #consume} spent for a request the
     * application then refused without doing its work (the adapters do this for a 400, 403, 404 or
     * 405 answered after the key was metered): to the key and every metered key above it, never
     * beyond a refill's amount. A request still counts against the rate limit; a key without
     * credits is left as it is.
     *
     * @param principal the key the credits were spent for
     * @param credits how many to give back
     * @throws IllegalArgumentException when {@code credits} is below 1
     */
    public void refund(ApiKeyPrincipal principal, long credits) {
        ensureOpen();
        if (credits < 1) throw new IllegalArgumentException("credits to refund must be at least 1, was " + credits);
        meter.refund(principal, credits);
    }

    /**
     * Sets a key's limits: rate limit, credits (as given) and refill (its clock restarting now).
     * Takes effect at once here and, like a revocation, in other processes as soon as the change
     * reaches them.
     *
     * @param id the key's id ({@code key_…})
     * @param limits the key's usage limits
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
     * @return the new key's token (shown once) and its metadata
     */
    public IssuedKey create(String userId, @Nullable String name, Collection<String> scopes, @Nullable Instant expiresAt) {
        return create(userId, name, scopes, expiresAt, UsageLimits.NONE);
    }

    /**
     * Mints a key with usage limits (rate limit, credits, refill).
     *
     * @see #create(String, String, Collection, Instant)
     * @param userId the owner's user id
     * @param name the key's label, or {@code null} for none
     * @param scopes the scopes to grant
     * @param expiresAt when the key expires, or {@code null} for never
     * @param limits the key's usage limits
     * @return the new key's token (shown once) and its metadata
     */
    public IssuedKey create(String userId, @Nullable String name, Collection<String> scopes, @Nullable Instant expiresAt,
            @Nullable UsageLimits limits) {
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
     * @param userId the owner's user id
     * @param spec what to mint
     * @return the new key's token (shown once) and its metadata
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
     * @param name the key's label, or {@code null} for none
     * @param scopes the scopes to grant
     * @param expiresAt when the key expires, or {@code null} for never
     * @return the new key's token (shown once) and its metadata
     * @throws SecurityException when a scope is asked for that the minting key does not hold
     * @throws IllegalStateException when the minting key is no longer active
     * @throws KeyLimitExceededException when its user already has the most active keys allowed
     * @throws IllegalArgumentException when an argument is invalid
     */
    public IssuedKey create(ApiKeyPrincipal minter, @Nullable String name, Collection<String> scopes, @Nullable Instant expiresAt) {
        return create(minter, KeySpec.of(name, scopes).expiresAt(expiresAt));
    }

    /**
     * Mints a key with usage limits on behalf of a key. The limits may be no looser than the
     * minting key's ({@link UsageLimits#withinOf}): a limited key cannot mint an unlimited one.
     *
     * @param minter the key a request was authenticated with; the new key is its child
     * @param name the key's label, or {@code null} for none
     * @param scopes the scopes to grant
     * @param expiresAt when the key expires, or {@code null} for never
     * @param limits the key's usage limits
     * @return the new key's token (shown once) and its metadata
     * @throws SecurityException when a scope or a limit would be looser than the minting key's
     * @see #create(ApiKeyPrincipal, String, Collection, Instant)
     */
    public IssuedKey create(ApiKeyPrincipal minter, @Nullable String name, Collection<String> scopes, @Nullable Instant expiresAt,
            @Nullable UsageLimits limits) {
        return create(minter, KeySpec.of(name, scopes).expiresAt(expiresAt).limits(Objects.requireNonNull(limits, "limits")));
    }

    /**
     * Mints a key as {@code spec} describes it on behalf of a key. What the spec leaves unset
     * (limits, allowlist) is inherited from the minting key; what it sets may be no looser: scopes
     * it holds, limits within its own, addresses inside its allowlist.
     *
     * @param minter the key a request was authenticated with; the new key is its child
     * @param spec what to mint
     * @return the new key's token (shown once) and its metadata
     * @throws SecurityException when a scope, a limit or an address range would be looser than the minting key's
     */
    public IssuedKey create(ApiKeyPrincipal minter, KeySpec spec) {
        ensureOpen();
        Objects.requireNonNull(minter, "minter");
        Objects.requireNonNull(spec, "spec");
        // With nothing asked for, a limited key's child gets the same limits (credits as last read) and addresses.
        UsageLimits limits = spec.limits() != null ? spec.limits() : minter.limits();
        IpAllowlist ips = spec.allowedIps() != null ? spec.allowedIps() : minter.allowedIps();
        IpAllowlist parentIps = minter.allowedIps();
        if (parentIps != null && (ips == null || !ips.within(parentIps))) {
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
        requireGenerationLeft(minter.keyId());
        return mint(minter.userId(), minter.keyId(), spec.limits(limits).allowedIps(ips));
    }

    /**
     * Refuses a mint by a key already {@link UsageMeter#MAX_GENERATIONS} generations from its root:
     * every request of a minted key is charged to each metered key above it, so lineages stay short.
     */
    private void requireGenerationLeft(String minterId) {
        String id = minterId;
        for (int generation = 1; generation <= UsageMeter.MAX_GENERATIONS; generation++) {
            String up = repository.find(id).map(KeyRecord::createdBy).orElse(null);
            if (up == null) return;
            id = up;
        }
        throw new KeyLimitExceededException("a key " + UsageMeter.MAX_GENERATIONS
                + " generations below a key minted by an operator or the application cannot mint keys");
    }

    private IssuedKey mint(String user, @Nullable String parentId, KeySpec spec) {
        String label = Validation.name(spec.name());
        List<String> granted = Validation.scopes(spec.scopes());
        UsageLimits limits = spec.limits() == null ? UsageLimits.NONE : spec.limits();
        long now = nowSeconds();
        Long expires = futureSeconds(spec.expiresAt(), now);
        String outside = keyPolicy.violation(now, expires, limits);
        if (outside != null) throw new IllegalArgumentException("cannot create this key: " + outside);
        Tokens.Minted minted = verifier.mint();
        KeyRecord draft = new KeyRecord(minted.id(), user, label, minted.prefix(), verifier.hash(minted.secret()), granted,
                expires, null, now, null, parentId, limits, limits.refill() == null ? null : now,
                new KeyRecord.Ops(null, null, spec.metadata(), spec.allowedIps() == null ? null : spec.allowedIps().toString(), null),
                verifier.currentFingerprint());
        AuditRecord created = audit("create", draft.id(), user, "{\"scopes\":" + Json.quote(String.join(" ", granted))
                + (parentId == null ? "" : ",\"created_by\":" + Json.quote(parentId)) + "}");
        KeyRecord row = repository.create(draft, now, maxKeysPerUser, recent -> new KeyLimitExceededException("user " + user
                + " created " + recent + " keys in the last hour, the most allowed (ten times "
                + Settings.environmentName(Settings.MAX_KEYS_PER_USER) + "); try again later"),
                (parent, d) -> {
            if (d.createdBy() == null) return d;
            // A disabled parent mints nothing: read under the parent's row lock, so a disable either
            // waits for this insert (and then reaches the new key) or is seen here.
            if (parent == null || !parent.activeAt(now) || parent.ops().disabledAt() != null
                    || !parent.userId().equals(d.userId())) {
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

    /**
     * Where the keys live, as an operator compares it with the application's: a SQLite file by its
     * absolute path, a server's URL without what may hold a password, and the table
     * ({@code jdbc:sqlite:/srv/app/keys.db (table pkauth_api_keys)}).
     *
     * @return the database and table of this store
     */
    public String location() {
        return location;
    }

    /**
     * What every key of this store must meet ({@link KeyPolicy#NONE} when nothing is required).
     *
     * @return the store's key policy
     */
    public KeyPolicy keyPolicy() {
        return keyPolicy;
    }

    /**
     * The fingerprint of the pepper new keys are hashed under: four hex digits of an HMAC made
     * with it, which identify a pepper without revealing it (the store logs it when it opens).
     *
     * @return the current pepper's fingerprint
     */
    public String pepperFingerprint() {
        ensureOpen();
        return verifier.currentFingerprint();
    }

    /**
     * The pepper fingerprints of the newest keys (up to 100) that this store cannot verify because
     * they were hashed under a pepper it does not hold: empty when it holds theirs. A tool that
     * mints (the CLI does) checks this first, so a key is never minted under a pepper the
     * application does not have.
     *
     * @return the distinct fingerprints of peppers this store lacks, newest key's first
     * @throws StoreUnavailableException when the database cannot be read
     */
    public java.util.Set<String> foreignPepperFingerprints() {
        ensureOpen();
        return verifier.foreignFingerprints();
    }

    /**
     * The key with this id, if any.
     *
     * @param id the key's id ({@code key_…})
     * @return the key with this id, if any
     */
    public Optional<ApiKey> find(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return Optional.empty();
        return repository.find(id).map(ApiKeyStore::toApiKey);
    }

    /**
     * All the user's unrevoked keys (expired ones included), newest first, read page by page.
     * For HTTP answers use {@link #list(String, boolean, int, String)}, which returns one page.
     *
     * @param userId the owner's user id
     * @return the list
     */
    public List<ApiKey> list(String userId) {
        return list(userId, false);
    }

    /**
     * All the user's keys, newest first, read page by page; revoked ones too when {@code includeRevoked}.
     *
     * @param userId the owner's user id
     * @param includeRevoked whether revoked keys are listed too
     * @return all the user's keys, newest first, read page by page
     */
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
     * @param userId the owner's user id
     * @param includeRevoked whether revoked keys are listed too
     * @return the list
     * @throws IllegalArgumentException when the limit is out of range or the cursor is not one this store gave
     */
    public KeyPage list(String userId, boolean includeRevoked, int limit, @Nullable String after) {
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
        static @Nullable Cursor parse(@Nullable String text) {
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
     * @param id the key's id ({@code key_…})
     * @return the updated key, or empty when there is no such unrevoked key
     */
    public Optional<ApiKey> refresh(String id, @Nullable Instant expiresAt) {
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
     * @param id the key's id ({@code key_…})
     * @param overlap how long the old key keeps working ({@link java.time.Duration#ZERO}: revoked now)
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
        Tokens.Minted minted = verifier.mint();
        if (old.createdBy() != null) {
            // The successor takes the old key's place in the lineage, so it too never outlives its parent.
            Long parentExpiry = repository.find(old.createdBy()).map(KeyRecord::expiresAt).orElse(null);
            if (parentExpiry != null && (newExpiry == null || newExpiry > parentExpiry)) newExpiry = parentExpiry;
        }
        KeyRecord successor = new KeyRecord(minted.id(), old.userId(), old.name(), minted.prefix(),
                verifier.hash(minted.secret()), old.scopes(), newExpiry, null, now, null, old.createdBy(), old.limits(),
                old.lastRefillAt(), new KeyRecord.Ops(old.ops().disabledAt(), successorDisabledVia(old, minted.id()),
                        old.ops().metadata(), old.ops().allowedIps(), null),
                verifier.currentFingerprint());
        AuditRecord a = audit("rotate", id, old.userId(), "{\"successor\":" + Json.quote(successor.id()) + "}");
        if (!repository.rotate(id, oldExpiry, oldRevoked, successor, a)) return Optional.empty();
        forget(id);
        announce(a, null);
        log.debug("pkauth: rotated key {} to {}", old.prefix(), successor.prefix());
        return Optional.of(new IssuedKey(minted.token(), toApiKey(successor)));
    }

    /**
     * A disabled key's successor is disabled too (rotation must not lift a suspension): through
     * the same ancestor when an ancestor's disable reached the old key, else on its own.
     */
    private static @Nullable String successorDisabledVia(KeyRecord old, String successorId) {
        String via = old.ops().disabledVia();
        if (old.ops().disabledAt() == null) return null;
        if (via == null || via.equals(old.id())) return successorId;
        if (via.equals(HOLDER_MARK + old.id())) return HOLDER_MARK + successorId;
        return via;
    }

    /**
     * Revokes a key and every key minted from it, transitively, in one transaction: they fail
     * verification from now on, in this process at once and in others as soon as the change
     * reaches them. Rows stay for audit.
     *
     * @param id the key's id ({@code key_…})
     * @return true when this call revoked the key itself; false when unknown or already revoked
     *     (keys minted from an already revoked key are still revoked)
     */
    public boolean revoke(String id) {
        return revoke(id, null);
    }

    /**
     * {@link #revoke(String)}, recording why in the audit log ({@code {"note":…}}): a leak
     * report's URL, an incident number.
     *
     * @param id the key's id ({@code key_…})
     * @param note why, at most 1,000 characters, or {@code null}
     * @return true when this call revoked the key itself
     */
    public boolean revoke(String id, @Nullable String note) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        if (note != null && note.length() > 1000) throw new IllegalArgumentException("a note is at most 1,000 characters");
        AuditRecord a = audit("revoke", id, null, note == null ? null : "{\"note\":" + Json.quote(note) + "}");
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

    /**
     * Deletes a key's row for good.
     *
     * @param id the key's id ({@code key_…})
     * @return whether a row was deleted
     */
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

    /** Marks {@code disabled_via} of a key holder's own disable, apart from an operator's (the bare key id). */
    private static final String HOLDER_MARK = "holder:";

    /**
     * Disables a key, and every key minted from it, until {@link #enable}: they fail verification
     * with {@link Verification.Reason#DISABLED} (401 "the API key is disabled" when the secret was
     * right), at once here and in other processes as soon as the change reaches them. Nothing is
     * lost: enabling restores them, and keys that were disabled on their own stay disabled.
     *
     * @param id the key's id ({@code key_…})
     * @return true when the key was disabled by this call; false when unknown, revoked or already disabled
     */
    public boolean disable(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audit("disable", id, null, null);
        List<String> changed = repository.disableTree(id, nowSeconds(), keyHolder ? HOLDER_MARK + id : id, a);
        for (String c : changed) forget(c);
        if (!changed.isEmpty()) announce(a, "{\"disabled\":" + changed.size() + "}");
        return !changed.isEmpty();
    }

    /**
     * Enables a key disabled by {@link #disable}, and the keys minted from it that its disabling
     * disabled. A key disabled through the key that minted it is enabled by enabling that key.
     *
     * @param id the key's id ({@code key_…})
     * @return true when anything was enabled
     */
    public boolean enable(String id) {
        ensureOpen();
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audit("enable", id, null, null);
        List<String> changed = repository.enableTree(id,
                keyHolder ? List.of(HOLDER_MARK + id) : List.of(id, HOLDER_MARK + id), a);
        for (String c : changed) forget(c);
        if (!changed.isEmpty()) announce(a, "{\"enabled\":" + changed.size() + "}");
        return !changed.isEmpty();
    }

    /**
     * Sets (or, with {@code null}, clears) a key's metadata: a JSON object of at most 4 KB that the
     * host reads back on {@link ApiKey#metadata()} and {@link ApiKeyPrincipal#metadata()}.
     *
     * @param id the key's id ({@code key_…})
     * @param json a JSON object, or {@code null} to clear it
     * @return the updated key, or empty when there is no such unrevoked key
     * @throws IllegalArgumentException when it is not a JSON object or too long
     */
    public Optional<ApiKey> metadata(String id, @Nullable String json) {
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
     * @param id the key's id ({@code key_…})
     * @param ips the allowed client addresses, or {@code null} for any
     * @return the updated key, or empty when there is no such unrevoked key
     */
    public Optional<ApiKey> allowedIps(String id, @Nullable IpAllowlist ips) {
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
     * @param userId the owner's user id
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
     *
     * @param q the query
     * @return the query
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

    /**
     * How many keys a query selects (for dry runs and reports); pages and limits are ignored.
     *
     * @param q the query
     * @return how many keys a query selects (for dry runs and reports)
     */
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
     * @param unusedFor revoke keys not used for this long
     * @param dryRun count only, change nothing
     * @return how many keys were (or would be) revoked
     */
    public long sweepUnused(Duration unusedFor, boolean dryRun, java.util.function.@Nullable LongConsumer progress) {
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
     * @param olderThan delete rows revoked or expired longer ago than this
     * @param dryRun count only, change nothing
     * @return how many rows were (or would be) deleted
     */
    public long purgeEnded(Duration olderThan, boolean dryRun, java.util.function.@Nullable LongConsumer progress) {
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
        if (total > 0) verifier.forgetAll();
        return total;
    }

    /**
     * The audit log, newest first: what was done to a key, to a user's keys, or since a time
     * ({@code null}: any).
     *
     * @param beforeId the {@link AuditEvent#id()} of the last event of the previous page, or {@code null}
     * @param limit 1 to {@value #MAX_PAGE_SIZE}
     * @param keyId the key's id, or {@code null} for any
     * @param userId the owner's user id
     * @param since only events at or after this, or {@code null}
     * @return the audit log
     */
    public List<AuditEvent> auditLog(@Nullable String keyId, @Nullable String userId, @Nullable Instant since, int limit,
            @Nullable Long beforeId) {
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
        verifier.close();
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

    private static @Nullable Long futureSeconds(@Nullable Instant at, long now) {
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

    static ApiKey toApiKey(KeyRecord r) {
        return new ApiKey(r.id(), r.userId(), r.name(), r.prefix().isEmpty() ? Tokens.prefixOfId(r.id()) : r.prefix(),
                r.scopes(), instant(r.expiresAt()), instant(r.lastUsedAt()), Instant.ofEpochSecond(r.createdAt()),
                instant(r.revokedAt()), r.createdBy(), r.limits(), instant(r.ops().disabledAt()), r.ops().metadata(),
                r.ops().allowedIps() == null ? null : IpAllowlist.parse(r.ops().allowedIps()), r.ops().lastUsedIp());
    }

    private static @Nullable Instant instant(@Nullable Long seconds) {
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }

    /**
     * Configures an {@link ApiKeyStore}. Explicit calls win over {@link #settings(Settings)}; each
     * option may be set once; {@link #build()} says precisely what is missing or wrong.
     */
    public static final class Builder {
        // Read by StoreOptions.resolve: null (or unset) means "not given here".
        @Nullable Settings settings;
        final DatabaseTarget target = new DatabaseTarget();
        @Nullable String table;
        @Nullable String pepper;
        @Nullable List<String> previousPeppers;
        @Nullable Boolean requirePepper;
        @Nullable String tokenPrefix;
        @Nullable List<String> previousTokenPrefixes;
        @Nullable Duration touchInterval;
        @Nullable Clock clock;
        @Nullable Executor executor;
        @Nullable Integer poolSize;
        @Nullable Duration connectionTimeout;
        @Nullable Duration cacheTtl;
        @Nullable Duration queryTimeout;
        @Nullable Duration negativeCacheTtl;
        @Nullable Long cacheSize;
        @Nullable Integer maxKeysPerUser;
        @Nullable KeyPolicy keyPolicy;
        UsageLimits.@Nullable RateLimit defaultRateLimit;
        @Nullable Optional<UsageLimits.RateLimit> failedAuthLimit;
        @Nullable AuditListener auditListener;
        /** A Micrometer MeterRegistry, kept as Object so Micrometer stays optional at run time. */
        @Nullable Object meterRegistry;
        boolean migrate = true;

        private Builder() {}

        /**
         * Reads unset options by name from {@code settings} (see {@link Settings}).
         *
         * @param settings the settings to read
         * @return this builder
         */
        public Builder settings(Settings settings) {
            Options.requireUnset(this.settings, "settings");
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Keys in memory only: for tests and throwaway processes.
         *
         * @return this builder
         */
        public Builder inMemory() {
            target.inMemory();
            return this;
        }

        /**
         * {@code jdbc:sqlite:path} or {@code jdbc:postgresql://…}; the store makes and owns a pool.
         *
         * @param url the JDBC URL
         * @return this builder
         */
        public Builder jdbcUrl(String url) {
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
        public Builder credentials(String user, String password) {
            target.credentials(user, password);
            return this;
        }

        /**
         * A data source the application owns (and closes); SQLite or PostgreSQL.
         *
         * @param dataSource a data source the application owns
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            target.dataSource(dataSource);
            return this;
        }

        /**
         * The key table; default {@code pkauth_api_keys}. An SQL identifier.
         *
         * @param table an SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*})
         * @return this builder
         */
        public Builder table(String table) {
            Options.requireUnset(this.table, "table");
            this.table = Validation.table(table);
            return this;
        }

        /**
         * The current pepper (HMAC key). Keep it out of the database and out of source control.
         *
         * @param pepper the pepper
         * @return this builder
         */
        public Builder pepper(String pepper) {
            Options.requireUnset(this.pepper, "pepper");
            this.pepper = StoreOptions.requirePepperValue(pepper);
            return this;
        }

        /**
         * Older peppers: keys hashed under them still verify and are re-hashed under the current one.
         *
         * @param peppers older peppers, newest first
         * @return this builder
         */
        public Builder previousPeppers(String... peppers) {
            Options.requireUnset(this.previousPeppers, "previousPeppers");
            List<String> list = new ArrayList<>();
            for (String p : peppers) list.add(StoreOptions.requirePepperValue(p));
            this.previousPeppers = List.copyOf(list);
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
        public Builder tokenPrefix(String prefix) {
            Options.requireUnset(this.tokenPrefix, "tokenPrefix");
            this.tokenPrefix = dev.pkauth.internal.token.TokenFormat.checkPrefix(prefix);
            return this;
        }

        /**
         * Earlier token prefixes whose keys still verify (after a change of {@link #tokenPrefix}).
         *
         * @param prefixes earlier prefixes
         * @return this builder
         */
        public Builder previousTokenPrefixes(String... prefixes) {
            Options.requireUnset(this.previousTokenPrefixes, "previousTokenPrefixes");
            List<String> list = new ArrayList<>();
            for (String p : prefixes) list.add(dev.pkauth.internal.token.TokenFormat.checkPrefix(p));
            this.previousTokenPrefixes = List.copyOf(list);
            return this;
        }

        /**
         * Refuse to start with the development pepper (production).
         *
         * @param require true to refuse the development pepper
         * @return this builder
         */
        public Builder requirePepper(boolean require) {
            Options.requireUnset(this.requirePepper, "requirePepper");
            this.requirePepper = require;
            return this;
        }

        /**
         * At most one {@code last_used_at} write per key per interval; default 60 s.
         *
         * @param interval the interval
         * @return this builder
         */
        public Builder touchInterval(Duration interval) {
            Options.requireUnset(this.touchInterval, "touchInterval");
            this.touchInterval = Options.notNegative(interval, "touchInterval");
            return this;
        }

        /**
         * The clock for expiry and {@code last_used_at}; default UTC system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            Options.requireUnset(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs background writes; default a daemon thread owned by the store. Tests pass {@code Runnable::run}.
         *
         * @param executor runs the writes
         * @return this builder
         */
        public Builder executor(Executor executor) {
            Options.requireUnset(this.executor, "executor");
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
         *
         * @param size how many
         * @return this builder
         */
        public Builder poolSize(int size) {
            Options.requireUnset(this.poolSize, "poolSize");
            this.poolSize = Options.positive(size, "poolSize");
            return this;
        }

        /**
         * How long to wait for a pooled connection before the store is unavailable; default 1 s.
         *
         * @param timeout the wait, at least 250 ms
         * @return this builder
         */
        public Builder connectionTimeout(Duration timeout) {
            Options.requireUnset(this.connectionTimeout, "connectionTimeout");
            this.connectionTimeout = Options.connectionTimeout(timeout, "connectionTimeout");
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
        public Builder cacheTtl(Duration ttl) {
            Options.requireUnset(this.cacheTtl, "cacheTtl");
            this.cacheTtl = Options.notNegative(ttl, "cacheTtl");
            return this;
        }

        /**
         * How long an unknown id is remembered as unknown; default the lesser of 2 s and the TTL.
         *
         * @param ttl how long
         * @return this builder
         */
        public Builder negativeCacheTtl(Duration ttl) {
            Options.requireUnset(this.negativeCacheTtl, "negativeCacheTtl");
            this.negativeCacheTtl = Options.notNegative(ttl, "negativeCacheTtl");
            return this;
        }

        /**
         * Most rows cached; default 100,000.
         *
         * @param size how many
         * @return this builder
         */
        public Builder cacheSize(long size) {
            Options.requireUnset(this.cacheSize, "cacheSize");
            this.cacheSize = Options.positive(size, "cacheSize");
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
        public Builder queryTimeout(Duration timeout) {
            Options.requireUnset(this.queryTimeout, "queryTimeout");
            this.queryTimeout = Options.notNegative(timeout, "queryTimeout");
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
        public Builder maxKeysPerUser(int max) {
            Options.requireUnset(this.maxKeysPerUser, "maxKeysPerUser");
            this.maxKeysPerUser = Options.positive(max, "maxKeysPerUser");
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
        public Builder keyPolicy(KeyPolicy policy) {
            Options.requireUnset(this.keyPolicy, "keyPolicy");
            this.keyPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The rate limit of keys that have none of their own; default none ({@code default-rate-limit}).
         *
         * @param limit the rate limit of keys without one
         * @return this builder
         */
        public Builder defaultRateLimit(UsageLimits.RateLimit limit) {
            Options.requireUnset(this.defaultRateLimit, "defaultRateLimit");
            this.defaultRateLimit = Objects.requireNonNull(limit, "limit");
            return this;
        }

        /**
         * How many rejected keys one client address may present per window before keys that need a
         * lookup are refused unseen ({@link #verify(String, String)}); default 20 a minute,
         * {@code null} for no such budget ({@code failed-auth-limit}, {@code off}).
         *
         * @param limit rejected keys allowed per address and window, or {@code null} for no budget
         * @return this builder
         */
        public Builder failedAuthLimit(UsageLimits.RateLimit limit) {
            Options.requireUnset(this.failedAuthLimit, "failedAuthLimit");
            this.failedAuthLimit = Optional.ofNullable(limit);
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
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            Options.requireUnset(this.meterRegistry, "meterRegistry");
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Told of every management action once committed, besides the audit table.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder auditListener(AuditListener listener) {
            Options.requireUnset(this.auditListener, "auditListener");
            this.auditListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether {@link #build()} creates or upgrades the table; default true.
         *
         * @param migrate false to leave the table as it is
         * @return this builder
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
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
            Settings s = settings != null ? settings : Settings.of(java.util.Map.of());
            target.resolve(s.get(Settings.JDBC_URL), s.get(Settings.JDBC_USER), s.get(Settings.JDBC_PASSWORD),
                    Settings.environmentName(Settings.JDBC_URL));
            StoreOptions options = StoreOptions.resolve(this);
            return open(options, target, s);
        }
    }
}
