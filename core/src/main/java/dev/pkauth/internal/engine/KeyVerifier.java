package dev.pkauth.internal.engine;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.IpAllowlist;
import dev.pkauth.KeyPolicy;
import dev.pkauth.Settings;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.Verification;
import dev.pkauth.internal.cache.CacheGroup;
import dev.pkauth.internal.cache.KeyCache;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.KeyLookups;
import dev.pkauth.internal.token.SecretHasher;
import dev.pkauth.internal.metrics.StoreMetrics;
import dev.pkauth.internal.token.Tokens;
import dev.pkauth.internal.token.TokenFormat;
import dev.pkauth.internal.token.IdTags;
import dev.pkauth.internal.token.ForeignHash;
import dev.pkauth.internal.token.LegacyTokens;
import dev.pkauth.internal.store.KeyImports;
import dev.pkauth.internal.store.TouchWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hot path: a token to a {@link Verification}. Owns the row cache (and the watch that keeps it
 * true to the table), the hasher, the queue of re-hashes under the current pepper, and hands
 * successful uses to the touch writer. {@link Engine} makes it.
 */
final class KeyVerifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreOptions.LOGGER);

    /**
     * A key row prepared for verification: its hash decoded once, and its public metadata and
     * principal built once, so a cached verification allocates almost nothing.
     *
     * @param row the stored row
     * @param hash the raw 32-byte HMAC, or {@code null} when the stored value is not 64 hex characters
     * @param foreign the stored value read as another system's hash when it is not hex, or {@code null}
     * @param metadata what a successful verification returns
     * @param principal what a request authenticated with this key carries
     * @param valid what a successful verification returns, built once
     * @param proof the secret once it has matched {@code hash} under the current pepper, so that
     *     later requests with it cost a SHA-256 instead of the HMAC; forgotten with this entry
     */
    record Entry(KeyRecord row, byte @Nullable [] hash, @Nullable ForeignHash foreign, ApiKey metadata, ApiKeyPrincipal principal,
            Verification.Valid valid, SecretHasher.Proof proof) {
        @Override
        public String toString() {
            return "Entry[" + row + "]";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.row.equals(row);
        }

        @Override
        public int hashCode() {
            return row.hashCode();
        }
    }

    private final KeyLookups repository;
    private final KeyImports imports;
    private final FirstUse firstUse;
    private final LegacyTokens legacy;
    /** Legacy tokens' SHA-256 (hex) to the id of the row it found: fixed once found, so never stale; bounded. */
    private final com.github.benmanes.caffeine.cache.Cache<String, String> legacyIds =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();
    private final TokenFormat format;
    /** The table's id tags; {@link IdTags#NONE} when it has no tag key (every id is then looked up). */
    private final IdTags ids;
    /**
     * Whether the table may hold keys whose ids carry no tag (Pylon's, older pkauth's, another
     * process's of an older version): while it may, an id without a valid tag is looked up as
     * before. Read at start and again at most every {@link #UNTAGGED_RECHECK_MILLIS} while
     * untagged ids are being refused, so keys a foreign writer adds verify within that time.
     */
    private volatile boolean untaggedKeys;
    private volatile long untaggedCheckedAt;
    private final java.util.concurrent.atomic.AtomicBoolean untaggedChecking = new java.util.concurrent.atomic.AtomicBoolean();
    private static final long UNTAGGED_RECHECK_MILLIS = 10_000;
    private final KeyPolicy policy;
    /** Whether {@link #policy} asks anything: decided once, not per verification. */
    private final boolean hasPolicy;
    private final SecretHasher hasher;
    private final boolean rehashAllowed;
    private final TouchWriter touches;
    private final StoreMetrics metrics;
    private final java.time.Clock clock;
    /** {@code null} when the cache is off. */
    private final @Nullable KeyCache<Entry> cache;
    private final @Nullable CacheGroup peers;
    private final AutoCloseable watch;
    /** Ids whose re-hash under the current pepper is queued, so a hot key queues it once. */
    private final Set<String> rehashing = ConcurrentHashMap.newKeySet();
    /**
     * Keys already warned about for a pepper this process lacks: once per key, bounded (only real
     * rows reach it, but a table may hold many keys of another pepper).
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> warnedForeign =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(10_000).build();

    /**
     * @param database equal for stores on the same table of the same database in this JVM: they
     *     share cache invalidations
     */
    KeyVerifier(StoreOptions options, KeyLookups repository, KeyImports imports, Object database, TouchWriter touches,
            StoreMetrics metrics, Audits audits) {
        this.repository = repository;
        this.imports = imports;
        this.legacy = options.legacyTokens();
        this.firstUse = new FirstUse(options.hasher(), imports, touches, metrics, audits, this::forget);
        this.format = options.tokenFormat();
        this.ids = repository.idTags();
        this.policy = options.keyPolicy();
        this.hasPolicy = !policy.equals(KeyPolicy.NONE);
        this.hasher = options.hasher();
        this.rehashAllowed = options.rehashAllowed();
        this.touches = touches;
        this.metrics = metrics;
        this.clock = options.clock();
        if (!options.caches()) {
            this.cache = null;
            this.peers = null;
            this.watch = () -> {};
        } else {
            this.cache = new KeyCache<>(options.cacheSize(), options.cacheTtl(), options.negativeCacheTtl(), clock);
            this.peers = CacheGroup.join(database, cache);
            this.watch = repository.watch(cache::invalidate, cache::invalidateAll);
            metrics.bindCache(cache);
        }
        this.untaggedKeys = !ids.enabled() || hasUntaggedKeys();
        this.untaggedCheckedAt = clock.millis();
    }

    private boolean hasUntaggedKeys() {
        try {
            return repository.hasUntaggedKeys();
        } catch (StoreUnavailableException e) {
            log.debug("pkauth: could not tell whether keys without id tags exist (assuming they do): {}", e.getMessage());
            return true;
        }
    }

    /** Re-reads, off the request thread, whether untagged keys exist, at most every {@link #UNTAGGED_RECHECK_MILLIS}. */
    private void recheckUntagged() {
        long now = clock.millis();
        if (now - untaggedCheckedAt < UNTAGGED_RECHECK_MILLIS || !untaggedChecking.compareAndSet(false, true)) return;
        untaggedCheckedAt = now;
        touches.submit("look for keys without id tags", () -> {
            try {
                untaggedKeys = hasUntaggedKeys();
            } finally {
                untaggedChecking.set(false);
            }
        });
    }

    /**
     * Keys whose ids carry no tag were just added by this process (imported with their source's
     * ids): look them up from now on. Other processes see them within {@link #UNTAGGED_RECHECK_MILLIS}.
     */
    void untaggedKeysAdded() {
        untaggedKeys = true;
    }

    /** A new key of this store's format, its id tagged with the table's tag key. */
    Tokens.Minted mint() {
        return format.mint(ids);
    }

    /** This store's token format (prefixes). */
    TokenFormat format() {
        return format;
    }

    /** The id of a token of this store's format, or {@code null} when the token is malformed. */
    @Nullable String idOf(String token) {
        int start = format.idStart(token);
        if (start >= 0) return token.substring(start, start + Tokens.ID_CHARS);
        // A legacy token's id, once a verification found it: so a key that verified lately is no guess either.
        return legacy.any() && legacy.matches(token) ? legacyIds.getIfPresent(ForeignHash.lookupHash(token)) : null;
    }

    /** Bits of {@link #gate}: what was checked before any lookup, so that verification does not check it again. */
    static final int CHECKED = 1;
    /** The id carries this table's tag. */
    static final int TAGGED = 2;
    /** The secret carries a valid checksum. */
    static final int CHECKSUM = 4;
    /** An untagged id refused unseen: the table holds only tagged keys. */
    static final int UNSEEN = 8;
    /** Verifying it costs no database lookup (malformed, in memory, mistyped, or refused by its tag). */
    static final int NO_LOOKUP = 16;

    /**
     * What {@code token} will cost before it is verified: {@link #NO_LOOKUP} or not, and, for a token
     * not in memory, the checks made to tell (which {@link #verify(String, String, boolean, int)}
     * then reuses instead of making them again). Allocates nothing but the id.
     */
    int gate(String token) {
        int start = format.idStart(token);
        // A declared legacy shape is looked up by its hash: rationed like any lookup.
        if (start < 0) return legacy.any() && legacy.matches(token) ? 0 : NO_LOOKUP;
        if (inMemory(token.substring(start, start + Tokens.ID_CHARS))) return NO_LOOKUP;
        return checks(token, start);
    }

    /**
     * The checks before any lookup. Both the tag and the checksum are computed whatever the first
     * says, so every refusal costs the same work.
     */
    private int checks(String token, int start) {
        boolean tagged = ids.isTagged(token, start);
        boolean checksum = TokenFormat.hasChecksum(token, start);
        boolean unseen = !tagged && refusesUntagged();
        int bits = CHECKED | (tagged ? TAGGED : 0) | (checksum ? CHECKSUM : 0) | (unseen ? UNSEEN : 0);
        return (tagged && !checksum) || unseen ? bits | NO_LOOKUP : bits;
    }

    /** Whether an id without this table's tag is refused unseen: the table has a tag key and holds no untagged key. */
    private boolean refusesUntagged() {
        if (!ids.enabled() || untaggedKeys) return false;
        recheckUntagged();
        return true;
    }

    /** The fingerprint rows minted now record. */
    String currentFingerprint() {
        return hasher.currentFingerprint();
    }

    /** Hashes a new key's secret under the current pepper. */
    String hash(String secret) {
        return hasher.hash(secret);
    }

    /** Lookups that reached the database through the cache so far. */
    long cacheMisses() {
        return cache == null ? 0 : cache.misses();
    }

    /** Whether the row of {@code id} is in memory (found or known absent): checking it costs no database work. */
    boolean inMemory(String id) {
        return cache != null && cache.contains(id);
    }

    /**
     * Says so at start when the newest keys were hashed under a pepper this process does not
     * have: the usual cause of "every key is invalid" after a deployment.
     */
    void warnOfForeignPeppers(Settings s, String where) {
        java.util.List<String> fingerprints;
        try {
            fingerprints = repository.recentPepperIds(PEPPER_SAMPLE);
        } catch (StoreUnavailableException e) {
            log.debug("pkauth: could not read the keys' pepper fingerprints: {}", e.getMessage());
            return;
        }
        java.util.List<String> foreign = foreign(fingerprints);
        if (foreign.isEmpty()) return;
        log.warn("pkauth: {} of the {} newest keys in {} were hashed under a pepper this process does not have "
                + "(fingerprint {}; this process has {}); they will not verify until {} or {} holds that pepper",
                foreign.size(), fingerprints.size(), where, String.join(", ", new java.util.LinkedHashSet<>(foreign)),
                String.join(", ", hasher.fingerprints()),
                s.describe(Settings.PEPPER), s.describe(Settings.PEPPER_PREVIOUS));
    }

    /** The fingerprints among {@code fingerprints} of peppers this verifier does not hold, in order, repeats kept. */
    private java.util.List<String> foreign(java.util.List<String> fingerprints) {
        return fingerprints.stream().filter(f -> !hasher.knows(f)).toList();
    }

    /** The distinct fingerprints of peppers this verifier lacks among the newest keys' (up to {@value #PEPPER_SAMPLE}). */
    java.util.Set<String> foreignFingerprints() {
        return java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(foreign(repository.recentPepperIds(PEPPER_SAMPLE))));
    }

    /** Newest keys {@link #warnOfForeignPeppers} looks at: an indexed read, whatever the table's size. */
    private static final int PEPPER_SAMPLE = 100;

    /** The verification of {@code token}, counted in the metrics; {@code clientAddress} is recorded on use. */
    Verification verify(String token, @Nullable String clientAddress) {
        return verify(token, clientAddress, true, 0);
    }

    /**
     * As {@link #verify(String, String)}; {@code use} false checks the key without counting it as
     * used (no {@code last_used_at}): a validity probe's or a leak report's look. {@code gate} is
     * what {@link #gate} said of this token, or 0.
     */
    Verification verify(String token, @Nullable String clientAddress, boolean use, int gate) {
        return verify(token, clientAddress, use, gate, null);
    }

    /**
     * As {@link #verify(String, String, boolean, int)}, told what {@link #idOf} said of this token:
     * a legacy token's id found then is not hashed and looked up a second time.
     */
    Verification verify(String token, @Nullable String clientAddress, boolean use, int gate, @Nullable String knownId) {
        try {
            Verification v = verifyOnce(token, clientAddress, use, gate, knownId);
            metrics.verified(v);
            return v;
        } catch (StoreUnavailableException e) {
            metrics.unavailable();
            throw e;
        }
    }

    private Verification verifyOnce(String token, @Nullable String clientAddress, boolean use, int gate, @Nullable String knownId) {
        int start = format.idStart(token);
        if (start < 0) {
            if (legacy.any() && legacy.matches(token)) return verifyLegacy(token, clientAddress, use, knownId);
            log.debug("pkauth: rejected a malformed key");
            return new Verification.Invalid(Verification.Reason.MALFORMED, null);
        }
        int secretStart = start + Tokens.ID_CHARS + 1;
        Entry entry;
        int checks = gate;
        // Looked up in place: a cached verification copies nothing out of the token.
        Optional<Entry> cached = cache == null ? null : cache.getIfPresent(token, start, Tokens.ID_CHARS);
        if (cached != null) {
            // In memory: no lookup to spare, so the checksum waits for a miss (a valid key never pays for it).
            entry = cached.orElse(null);
        } else {
            // Before any lookup: a token of ours (its id tagged) whose checksum fails was mistyped or
            // altered; an untagged id is refused while every key here is tagged. Untagged ids are
            // older keys, which have no checksum to check.
            if ((checks & CHECKED) == 0) checks = checks(token, start);
            if ((checks & TAGGED) != 0 && (checks & CHECKSUM) == 0) return invalid(Verification.Reason.MALFORMED, token, start);
            entry = (checks & UNSEEN) != 0 ? null : lookup(token.substring(start, start + Tokens.ID_CHARS)).orElse(null);
        }
        // A key whose secret this process has already checked against its row: one SHA-256 of the
        // secret. It runs whatever was found, as the HMAC below does, so every refusal costs both.
        if (hasher.proves(token, secretStart, entry == null ? null : entry.proof()) && entry != null) {
            return accept(entry, token, secretStart, start, SecretHasher.Match.CURRENT, clientAddress, use);
        }
        // The HMAC runs whatever was found, so an unknown or forged id costs what a wrong secret costs.
        SecretHasher.Match match = hasher.check(token, secretStart, entry == null ? null : entry.hash(),
                entry == null ? null : entry.row().pepperId());
        if (entry == null) return invalid(Verification.Reason.NOT_FOUND, token, start);
        if (match == SecretHasher.Match.CURRENT && cache != null) hasher.remember(token, secretStart, entry.proof());
        if (match == SecretHasher.Match.NONE) {
            // A row from memory was checked by its HMAC alone: make the checks now, so a wrong secret
            // costs what a forged id costs (the tag's HMAC and the decoy's) and a mistyped token is named.
            if ((checks & CHECKED) == 0) checks = checks(token, start);
            boolean mistyped = (checks & TAGGED) != 0 && (checks & CHECKSUM) == 0;
            // Another system's hash (imported): its own scheme, once; then the row is pkauth's. Rows
            // pkauth wrote record their pepper, so a wrong secret for one costs what an unknown id costs.
            if (mistyped || !mayBeForeign(entry) || !firstUse.matches(entry.row(), token, secretStart, entry.hash(), entry.foreign())) {
                return invalid(mistyped ? Verification.Reason.MALFORMED : Verification.Reason.BAD_SECRET, token, start);
            }
            return accept(entry, token, secretStart, start, null, clientAddress, use);
        }
        return accept(entry, token, secretStart, start, match, clientAddress, use);
    }

    /**
     * A legacy token (a declared shape of another system, no id in it): found by the SHA-256 of
     * the whole token on an index, one lookup, then checked as any key, its HMAC over the whole token.
     */
    private Verification verifyLegacy(String token, @Nullable String clientAddress, boolean use, @Nullable String knownId) {
        Entry entry;
        // Hashed only when the gate did not already name the row.
        String lookupHash = knownId == null ? ForeignHash.lookupHash(token) : null;
        String id = lookupHash == null ? knownId : legacyIds.getIfPresent(lookupHash);
        if (id != null) {
            entry = lookup(id).orElse(null);
        } else {
            String hash = java.util.Objects.requireNonNull(lookupHash); // no id: the gate named no row, so it was hashed
            long started = System.nanoTime();
            Optional<KeyRecord> found = imports.findByLookupHash(hash);
            metrics.lookup(System.nanoTime() - started);
            entry = found.map(KeyVerifier::entry).orElse(null);
            if (entry != null) {
                Entry loaded = entry;
                legacyIds.put(hash, loaded.row().id());
                if (cache != null) entry = cache.get(loaded.row().id(), ignored -> Optional.of(loaded)).orElse(loaded);
            }
        }
        SecretHasher.Match match = hasher.checkWhole(token, entry == null ? null : entry.hash());
        String shape = legacy.shapeOf(token);
        if (entry == null) {
            log.debug("pkauth: rejected a legacy key of shape {}: {}", shape, Verification.Reason.NOT_FOUND);
            return new Verification.Invalid(Verification.Reason.NOT_FOUND, null);
        }
        if (match == SecretHasher.Match.NONE) {
            if (!mayBeForeign(entry) || !firstUse.matches(entry.row(), token, 0, entry.hash(), entry.foreign())) {
                return named(Verification.Reason.BAD_SECRET, entry.row().prefix());
            }
            return accept(entry, token, 0, -1, null, clientAddress, use);
        }
        return accept(entry, token, 0, -1, match, clientAddress, use);
    }

    /**
     * Whether a row's hash may be another system's: a foreign form, or 64 hex characters with no
     * pepper recorded (an imported SHA-256, or a Pylon HMAC). pkauth's own rows always record their
     * pepper, so only imported and Pylon rows pay for the SHA-256 check.
     */
    private static boolean mayBeForeign(Entry entry) {
        return entry.foreign() != null || (entry.hash() != null && entry.row().pepperId() == null);
    }

    /**
     * The rest of a verification once the secret is known to be the key's ({@code match} not
     * NONE): pepper upgrades, revocation, suspension, expiry, policy, and the recorded use.
     *
     * @param token the token; its HMAC covers it from {@code secretStart} on (43 characters, or a
     *     legacy token whole from 0)
     * @param idStart where its id starts, or -1 for a legacy token (named by its row's prefix)
     * @param match the pepper the HMAC matched under, or {@code null} when the row's foreign hash
     *     matched (its upgrade is under way: nothing to re-hash)
     */
    private Verification accept(Entry entry, String token, int secretStart, int idStart, SecretHasher.@Nullable Match match,
            @Nullable String clientAddress, boolean use) {
        if (match == SecretHasher.Match.FOREIGN_PEPPER) {
            if (warnedForeign.asMap().putIfAbsent(entry.row().id(), Boolean.TRUE) == null) {
                // WARN, once per key: a whole app answering 401 because it was started with another
                // pepper than the one that minted its keys must be visible at the default level.
                log.warn("pkauth: key {} was hashed under a pepper this process does not have (row fingerprint {}); "
                        + "it answers 401 here. Start with the pepper that minted it, or add it to {}",
                        entry.row().prefix(), entry.row().pepperId(), Settings.environmentName(Settings.PEPPER_PREVIOUS));
            }
            return named(Verification.Reason.UNKNOWN_PEPPER, entry, token, idStart);
        }
        KeyRecord row = entry.row();
        String id = row.id();
        // Under a previous pepper: re-hash under the current one. Under the current one but with no
        // fingerprint recorded (Pylon's rows, older pkauth's): record it, hash unchanged.
        boolean rehash = match == SecretHasher.Match.PREVIOUS && rehashAllowed;
        boolean record = match == SecretHasher.Match.CURRENT && row.pepperId() == null;
        if ((rehash || record) && rehashing.add(id)) {
            String oldHash = row.secretHash();
            String newHash = rehash ? hasher.hash(token.substring(secretStart)) : oldHash;
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
        long now = Math.floorDiv(clock.millis(), 1000);
        if (row.revokedAt() != null) return named(Verification.Reason.REVOKED, entry, token, idStart);
        if (row.ops().disabledAt() != null) return named(Verification.Reason.DISABLED, entry, token, idStart);
        if (row.expiresAt() != null && row.expiresAt() <= now) return named(Verification.Reason.EXPIRED, entry, token, idStart);
        if (hasPolicy && policy.violation(row.createdAt(), row.expiresAt(), row.limits(), row.scopes()) != null) {
            return named(Verification.Reason.POLICY, entry, token, idStart);
        }
        // A use refused for its address (the caller answers 403 ip_not_allowed) is no use: a stolen
        // key tried from the wrong network must still read as unused, and not move last_used_ip.
        IpAllowlist allowlist = entry.principal().allowedIps();
        if (use && (allowlist == null || clientAddress == null || allowlist.allows(clientAddress))) {
            touches.used(row, now, clientAddress);
        }
        return entry.valid();
    }

    /**
     * A refusal of a key whose row was found, named by its token's display prefix, or the row's
     * for a legacy token ({@code idStart} -1), never a secret character of it. Computed only here:
     * a valid verification allocates nothing for it.
     */
    private static Verification.Invalid named(Verification.Reason reason, Entry entry, String token, int idStart) {
        return named(reason, idStart < 0 ? entry.row().prefix() : TokenFormat.displayPrefix(token, idStart));
    }

    private static Verification.Invalid named(Verification.Reason reason, String displayPrefix) {
        log.debug("pkauth: rejected key {}: {}", displayPrefix, reason);
        return new Verification.Invalid(reason, displayPrefix);
    }

    private static Verification.Invalid invalid(Verification.Reason reason, String token, int idStart) {
        String prefix = TokenFormat.displayPrefix(token, idStart);
        log.debug("pkauth: rejected key {}: {}", prefix, reason);
        return new Verification.Invalid(reason, prefix);
    }

    /** The key's row as this verifier knows it (through the cache when on), or {@code null} when there is none. */
    @Nullable KeyRecord row(String id) {
        return lookup(id).map(Entry::row).orElse(null);
    }

    private Optional<Entry> lookup(String id) {
        return cache == null ? load(id) : cache.get(id, this::load);
    }

    private Optional<Entry> load(String id) {
        long started = System.nanoTime();
        Optional<KeyRecord> found = repository.find(id);
        metrics.lookup(System.nanoTime() - started);
        return found.map(KeyVerifier::entry);
    }

    private static Entry entry(KeyRecord r) {
        ApiKey key = Views.toApiKey(r);
        ApiKeyPrincipal principal = key.toPrincipal();
        byte[] hex = SecretHasher.decode(r.secretHash());
        return new Entry(r, hex, hex == null ? foreign(r) : null, key, principal, new Verification.Valid(key, principal),
                new SecretHasher.Proof());
    }

    /** The row's hash read as another system's, or {@code null} (and a warning, once per load) when it is unreadable. */
    private static @Nullable ForeignHash foreign(KeyRecord r) {
        try {
            ForeignHash f = ForeignHash.parse(r.secretHash());
            if (f == null) log.warn("pkauth: key {} has a secret_hash pkauth cannot read; it answers 401", r.prefix());
            return f;
        } catch (IllegalArgumentException e) {
            log.warn("pkauth: key {} has a secret_hash pkauth cannot verify ({}); it answers 401", r.prefix(), e.getMessage());
            return null;
        }
    }

    /**
     * Drops a key's cached row here and in every other store of this JVM on the same table;
     * called after every write that changes its verdict, before returning.
     */
    void forget(String id) {
        if (peers != null) peers.invalidate(id);
    }

    /**
     * Where what this verifier holds in memory disagrees with the table on anything that decides a
     * verification (a row cached as absent that exists, a deleted row still cached, revocation,
     * suspension, expiry, scopes, hash, owner, addresses, metadata, rate limit): empty when they
     * agree. Credits and last use are left out, as they move without invalidation by design. For
     * tests, after a sequence of changes made through this store.
     */
    List<String> cacheDisagreements() {
        List<String> out = new ArrayList<>();
        KeyCache<Entry> c = cache;
        if (c == null) return out;
        c.forEachCached((id, held) -> {
            Optional<KeyRecord> table = repository.find(id);
            if (held.isEmpty()) {
                if (table.isPresent()) out.add(id + ": cached as absent, but in the table");
                return;
            }
            if (table.isEmpty()) {
                out.add(id + ": cached, but no longer in the table");
                return;
            }
            KeyRecord mine = held.get().row();
            KeyRecord row = table.get();
            if (!mine.secretHash().equals(row.secretHash())) out.add(id + ": cached with another secret hash");
            if (!verdict(mine).equals(verdict(row))) out.add(id + ": cached " + verdict(mine) + ", table " + verdict(row));
        });
        return out;
    }

    /** What of a row decides a verification, apart from the hash (compared, never shown). */
    private static List<Object> verdict(KeyRecord r) {
        return Arrays.asList(r.userId(), r.scopes(), r.expiresAt(), r.revokedAt(), r.ops().disabledAt(),
                r.ops().allowedIps(), r.ops().metadata(), r.limits().rateLimit(), r.limits().refill());
    }

    /** Drops every cached row of this store (after a purge, whose rows can no longer verify). */
    void forgetAll() {
        if (cache != null) cache.invalidateAll();
    }

    /** Stops watching the table and leaves the group of caches. */
    @Override
    public void close() {
        if (peers != null) peers.close();
        try {
            watch.close();
        } catch (Exception e) {
            log.debug("pkauth: stopping the change watcher: {}", e.toString());
        }
    }
}
