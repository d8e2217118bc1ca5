package dev.pkauth;

import dev.pkauth.internal.engine.Actor;
import dev.pkauth.internal.engine.Engine;
import dev.pkauth.internal.engine.Lifecycle;
import dev.pkauth.internal.engine.StoreOptions;
import dev.pkauth.internal.engine.Views;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
 * What operators do to every user's keys (queries, sweeps, the audit log) is behind {@link
 * #operations()}.
 */
public final class ApiKeyStore implements AutoCloseable {
    /** The longest actor {@link #withActor} takes: a user id of the longest allowed length (255) and a prefix. */
    public static final int MAX_ACTOR_CHARS = 320;
    /** The largest page {@link #list(String, boolean, int, String)} and {@link KeyOperations#query} return. */
    public static final int MAX_PAGE_SIZE = Views.MAX_PAGE_SIZE;
    /** Recorded as the actor of management calls unless {@link #withActor} says otherwise. */
    public static final String DEFAULT_ACTOR = "application";
    /** Pylon's development pepper, so development databases of both verify alike. */
    static final String DEVELOPMENT_PEPPER = StoreOptions.DEVELOPMENT_PEPPER;

    private final Engine engine;
    private final Lifecycle lifecycle;
    /** Who management calls are recorded as in the audit log. */
    private final Actor actor;
    /** A view made by {@link #withActor}: shares the engine with its store and closes nothing. */
    private final boolean view;

    ApiKeyStore(Engine engine, Actor actor, boolean view) {
        this.engine = engine;
        this.lifecycle = engine.lifecycle();
        this.actor = actor;
        this.view = view;
    }

    /**
     * A builder: choose a backend (a JDBC URL, a data source of the application's, or memory) and a
     * pepper, then {@link ApiKeyStoreBuilder#build()}.
     *
     * @return a new builder
     */
    public static ApiKeyStoreBuilder builder() {
        return new ApiKeyStoreBuilder();
    }

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
        return new ApiKeyStore(engine, new Actor(actor, false), true);
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
        String name = withActor("user:" + Objects.requireNonNull(userId, "userId")).actor.name();
        return new ApiKeyStore(engine, new Actor(name, true), true);
    }

    /**
     * Mints and rotations under a client's idempotency key: a repeat of the same request within
     * a day answers the key the first call made (without its token), never a second key.
     *
     * <pre>{@code
     * IssueResult r = store.withIdempotencyKey(new IdempotencyKey(header, body)).create("acme", spec);
     * if (r.replayed()) ... // r.key() only: the token was shown to the first call
     * }</pre>
     *
     * @param key the client's idempotency key and its request
     * @return the idempotent operations of this store (and its actor)
     */
    public IdempotentMints withIdempotencyKey(IdempotencyKey key) {
        return new IdempotentMints(engine, actor, Objects.requireNonNull(key, "key"));
    }

    /**
     * What operators do to every user's keys: queries, counts, sweeps, purges and the audit log,
     * and what the store is (its location, pepper fingerprint, key policy). Recorded as this
     * view's actor.
     *
     * @return the operator view of this store
     */
    public KeyOperations operations() {
        return new KeyOperations(engine, actor);
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
        return verify(token, null);
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
        engine.ensureOpen();
        return engine.verify(token, clientAddress, true);
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
        engine.ensureOpen();
        return engine.verify(token, clientAddress, false);
    }

    /**
     * What this store's tokens look like, for every prefix it accepts: the regular expression a
     * deployment registers with secret scanners, the checksum, finding tokens in text.
     *
     * @return the pattern
     */
    public TokenPattern tokenPattern() {
        return TokenPattern.of(engine.tokenFormat());
    }

    /** Whose budget of rejected keys an address spends (tests read it). */
    static String budgetOf(String address) {
        return Engine.budgetOf(address);
    }

    /** Where the verification cache disagrees with the table; empty when it is true to it (the contracts check it after each case). */
    List<String> cacheDisagreements() {
        return engine.cacheDisagreements();
    }

    /** Lookups that reached the database through the cache so far (tests measure invalidation with it). */
    long cacheMisses() {
        return engine.cacheMisses();
    }

    // --- usage limits -----------------------------------------------------------------------

    /**
     * Meters one request of an authenticated and authorized key: its rate limit (or the store's
     * default), then one credit. Filters call it after the scopes check, so a refused scope
     * spends nothing. A key without limits costs nothing here: no database work, no allocation.
     *
     * <p>On PostgreSQL the window is shared by every process on the database, leased in chunks
     * (one round trip per chunk; never over the limit); on SQLite and in memory it is this
     * process's. Credits are spent in the database, one conditional UPDATE per request, exact
     * across processes on every backend.
     *
     * @param principal the authenticated key's principal
     * @return what the request may use now: allowed, rate limited or out of credits
     * @throws StoreUnavailableException when the database cannot answer
     */
    @Beta
    public Usage admit(ApiKeyPrincipal principal) {
        engine.ensureOpen();
        return engine.admit(Objects.requireNonNull(principal, "principal"));
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
    @Beta
    public Usage consume(ApiKeyPrincipal principal, long credits) {
        engine.ensureOpen();
        if (credits < 1) throw new IllegalArgumentException("credits to consume must be at least 1, was " + credits);
        return engine.consume(Objects.requireNonNull(principal, "principal"), credits);
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
    @Beta
    public void refund(ApiKeyPrincipal principal, long credits) {
        engine.ensureOpen();
        if (credits < 1) throw new IllegalArgumentException("credits to refund must be at least 1, was " + credits);
        engine.refund(Objects.requireNonNull(principal, "principal"), credits);
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
    @Beta
    public Optional<ApiKey> limits(String id, UsageLimits limits) {
        engine.ensureOpen();
        return lifecycle.limits(actor, id, Objects.requireNonNull(limits, "limits"));
    }

    // --- minting ----------------------------------------------------------------------------

    /**
     * Mints a key for a user, as an operator or the application itself would. The returned token
     * is the only copy: it is not stored and cannot be shown again. For limits, metadata or an
     * address allowlist, use {@link #create(String, KeySpec)}.
     *
     * @param userId the owner; non-empty
     * @param name a label for the owner ("CI"), at most 200 characters; {@code null} for none
     * @param scopes scopes granted; trimmed, non-empty, no commas or whitespace
     * @param expiresAt when it stops working (in the future), or {@code null} for never
     * @throws IllegalArgumentException when an argument is invalid; the message says which
     * @throws KeyLimitExceededException when the user already has {@link ApiKeyStoreBuilder#maxKeysPerUser the
     *     most active keys} allowed
     * @return the new key's token (shown once) and its metadata
     */
    public IssuedKey create(String userId, @Nullable String name, Collection<String> scopes, @Nullable Instant expiresAt) {
        return create(userId, KeySpec.of(name, scopes).expiresAt(expiresAt));
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
        engine.ensureOpen();
        return lifecycle.create(actor, Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(spec, "spec"));
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
     * Mints a key as {@code spec} describes it on behalf of a key. What the spec leaves unset
     * (limits, allowlist) is inherited from the minting key; what it sets may be no looser: scopes
     * it holds, limits within its own ({@link UsageLimits#withinOf}), addresses inside its allowlist.
     *
     * @param minter the key a request was authenticated with; the new key is its child
     * @param spec what to mint
     * @return the new key's token (shown once) and its metadata
     * @throws SecurityException when a scope, a limit or an address range would be looser than the minting key's
     * @see #create(ApiKeyPrincipal, String, Collection, Instant)
     */
    public IssuedKey create(ApiKeyPrincipal minter, KeySpec spec) {
        engine.ensureOpen();
        return lifecycle.create(actor, Objects.requireNonNull(minter, "minter"), Objects.requireNonNull(spec, "spec"));
    }

    // --- reading ----------------------------------------------------------------------------

    /**
     * The key with this id, if any.
     *
     * @param id the key's id ({@code key_…})
     * @return the key with this id, if any
     */
    public Optional<ApiKey> find(String id) {
        engine.ensureOpen();
        return lifecycle.find(id);
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
        engine.ensureOpen();
        return lifecycle.list(userId, includeRevoked, limit, after);
    }

    // --- changing ---------------------------------------------------------------------------

    /**
     * Changes an unrevoked key's expiry.
     *
     * @param expiresAt the new expiry (in the future), or {@code null} for never
     * @param id the key's id ({@code key_…})
     * @return the updated key, or empty when there is no such unrevoked key
     */
    public Optional<ApiKey> refresh(String id, @Nullable Instant expiresAt) {
        engine.ensureOpen();
        return lifecycle.refresh(actor, id, expiresAt);
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
        engine.ensureOpen();
        return lifecycle.rotate(actor, id, Objects.requireNonNull(overlap, "overlap"));
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
        engine.ensureOpen();
        return lifecycle.revoke(actor, id, note);
    }

    /**
     * Revokes every key of a user in one statement (offboarding): they fail at once here and, as
     * the change reaches them, in every other process.
     *
     * @param userId the owner's user id
     * @return how many keys this revoked
     */
    public int revokeAll(String userId) {
        engine.ensureOpen();
        return engine.operations().revokeAll(actor, userId);
    }

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
        engine.ensureOpen();
        return lifecycle.disable(actor, id);
    }

    /**
     * Enables a key disabled by {@link #disable}, and the keys minted from it that its disabling
     * disabled. A key disabled through the key that minted it is enabled by enabling that key.
     *
     * @param id the key's id ({@code key_…})
     * @return true when anything was enabled
     */
    public boolean enable(String id) {
        engine.ensureOpen();
        return lifecycle.enable(actor, id);
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
        engine.ensureOpen();
        return lifecycle.metadata(actor, id, json);
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
        engine.ensureOpen();
        return lifecycle.allowedIps(actor, id, ips);
    }

    // --- life -------------------------------------------------------------------------------

    /** Writes pending {@code last_used_at} updates now, on the calling thread. */
    public void flush() {
        engine.flush();
    }

    /** Flushes pending writes, stops the writer thread and closes the pool this store made; a view closes nothing. */
    @Override
    public void close() {
        if (!view) engine.close();
    }

    @Override
    public String toString() {
        return "ApiKeyStore[" + engine + "]";
    }
}
