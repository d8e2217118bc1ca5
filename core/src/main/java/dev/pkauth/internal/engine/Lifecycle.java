package dev.pkauth.internal.engine;

import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.IpAllowlist;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeyLimitExceededException;
import dev.pkauth.KeyPage;
import dev.pkauth.KeyPolicy;
import dev.pkauth.KeySpec;
import dev.pkauth.Settings;
import dev.pkauth.UsageLimits;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyFilter;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.KeyChanges;
import dev.pkauth.internal.text.Validation;
import dev.pkauth.internal.token.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key's life and lineage: minting (by the application or by a key, never looser than the key),
 * reading, rotating, suspending, revoking and changing it. Every change is one repository call
 * carrying its audit record, then the cached copies are dropped, then the listener is told.
 * Arguments arrive checked for null by the façade; ids that are not well formed find nothing.
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(StoreOptions.LOGGER);
    /** Marks {@code disabled_via} of a key holder's own disable, apart from an operator's (the bare key id). */
    private static final String HOLDER_MARK = "holder:";

    private final KeyChanges repository;
    private final KeyVerifier verifier;
    private final Audits audits;
    private final int maxKeysPerUser;
    private final KeyPolicy keyPolicy;

    Lifecycle(KeyChanges repository, KeyVerifier verifier, Audits audits, int maxKeysPerUser, KeyPolicy keyPolicy) {
        this.repository = repository;
        this.verifier = verifier;
        this.audits = audits;
        this.maxKeysPerUser = maxKeysPerUser;
        this.keyPolicy = keyPolicy;
    }

    // --- minting ----------------------------------------------------------------------------

    /** A key for {@code userId} as the application or an operator mints it. */
    public IssuedKey create(Actor actor, String userId, KeySpec spec) {
        return mint(actor, Validation.userId(userId), null, spec);
    }

    /**
     * A key minted by the key {@code minter} authenticated with: what the spec leaves unset is
     * inherited, what it sets may be no looser than the minter's.
     */
    public IssuedKey create(Actor actor, ApiKeyPrincipal minter, KeySpec spec) {
        // With nothing asked for, a limited key's child gets the same limits (credits as last read) and addresses.
        UsageLimits limits = spec.limits() != null ? spec.limits() : minter.limits();
        IpAllowlist ips = spec.allowedIps() != null ? spec.allowedIps() : minter.allowedIps();
        IpAllowlist parentIps = minter.allowedIps();
        if (parentIps != null && (ips == null || !ips.within(parentIps))) {
            throw new SecurityException("a key cannot mint a key usable from addresses its own allowlist excludes ("
                    + parentIps + ")");
        }
        if (!limits.withinOf(minter.limits())) {
            throw new SecurityException("a key cannot mint a key with looser usage limits than its own (" + minter.limits()
                    + ")");
        }
        Collection<String> scopes = spec.scopes();
        List<String> notHeld = Validation.scopes(scopes).stream().filter(scope -> !minter.hasScope(scope)).toList();
        if (!notHeld.isEmpty()) {
            throw new SecurityException("a key cannot grant scopes it lacks: " + String.join(" ", notHeld));
        }
        requireGenerationLeft(minter.keyId());
        return mint(actor, minter.userId(), minter.keyId(), spec.limits(limits).allowedIps(ips));
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

    private IssuedKey mint(Actor actor, String user, @Nullable String parentId, KeySpec spec) {
        String label = Validation.name(spec.name());
        List<String> granted = Validation.scopes(spec.scopes());
        UsageLimits limits = spec.limits() == null ? UsageLimits.NONE : spec.limits();
        long now = audits.now();
        Long expires = Views.futureSeconds(spec.expiresAt(), now);
        String outside = keyPolicy.violation(now, expires, limits, granted);
        if (outside != null) throw new IllegalArgumentException("cannot create this key: " + outside);
        Tokens.Minted minted = verifier.mint();
        KeyRecord draft = new KeyRecord(minted.id(), user, label, minted.prefix(), verifier.hash(minted.secret()), granted,
                expires, null, now, null, parentId, limits, limits.refill() == null ? null : now,
                new KeyRecord.Ops(null, null, spec.metadata(), spec.allowedIps() == null ? null : spec.allowedIps().toString(), null,
                        actor.name(), null),
                verifier.currentFingerprint());
        AuditRecord created = audits.record(actor, "create", draft.id(), user, parentId == null
                ? Audits.detail("scopes", String.join(" ", granted))
                : Audits.detail("scopes", String.join(" ", granted), "created_by", parentId));
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
        verifier.forget(row.id()); // in case this id was looked up (and found absent) before
        audits.announce(created, null);
        log.debug("pkauth: created key {} for user {}{}", row.prefix(), user,
                parentId == null ? "" : " minted by " + Tokens.prefixOfId(parentId));
        return new IssuedKey(minted.token(), Views.toApiKey(row));
    }

    // --- reading ----------------------------------------------------------------------------

    /** The key with this id, if any. */
    public Optional<ApiKey> find(String id) {
        if (!Tokens.isWellFormedId(id)) return Optional.empty();
        return repository.find(id).map(Views::toApiKey);
    }

    /** One page of a user's keys, newest first. */
    public KeyPage list(String userId, boolean includeRevoked, int limit, @Nullable String after) {
        String user = Validation.userId(userId);
        Views.checkPageSize(limit, "page size");
        Views.Cursor cursor = Views.Cursor.parse(after);
        // One more than asked says whether another page follows.
        List<KeyRecord> rows = repository.query(new KeyFilter(user, includeRevoked ? null : "unrevoked", null, null,
                audits.now()), limit + 1, cursor == null ? null : cursor.createdAt(), cursor == null ? null : cursor.id());
        return Views.page(rows, limit);
    }

    // --- changing ---------------------------------------------------------------------------

    /** A new expiry for an unrevoked key. */
    public Optional<ApiKey> refresh(Actor actor, String id, @Nullable Instant expiresAt) {
        Long expires = Views.futureSeconds(expiresAt, audits.now());
        return changed(id, audits.record(actor, "refresh", id, null, Audits.detail("expires_at", expires)),
                a -> repository.updateExpiry(id, expires, a));
    }

    /** New usage limits for an unrevoked key, its refill clock restarting now. */
    public Optional<ApiKey> limits(Actor actor, String id, UsageLimits limits) {
        return changed(id, audits.record(actor, "limits", id, null, Audits.detail("limits", limits.toString())),
                a -> repository.setLimits(id, limits, audits.now(), a));
    }

    /** New (or, with {@code null}, no) metadata. */
    public Optional<ApiKey> metadata(Actor actor, String id, @Nullable String json) {
        String checked = json == null ? null : KeySpec.checkMetadata(json);
        return changed(id, audits.record(actor, "metadata", id, null, null), a -> repository.setMetadata(id, checked, a));
    }

    /** New (or, with {@code null}, no) client address restriction. */
    public Optional<ApiKey> allowedIps(Actor actor, String id, @Nullable IpAllowlist ips) {
        String text = ips == null ? null : ips.toString();
        return changed(id, audits.record(actor, "allowed-ips", id, null, Audits.detail("allowed_ips", text)),
                a -> repository.setAllowedIps(id, text, a));
    }

    private interface Change {
        boolean apply(AuditRecord audit);
    }

    /** Applies a change of one key's row; then the key as it now is, or empty when there was no such unrevoked key. */
    private Optional<ApiKey> changed(String id, AuditRecord audit, Change change) {
        if (!Tokens.isWellFormedId(id) || !change.apply(audit)) return Optional.empty();
        verifier.forget(id);
        audits.announce(audit, null);
        return find(id);
    }

    /** A successor with the old key's user, name, scopes and lifetime; the old key ends after {@code overlap}. */
    public Optional<IssuedKey> rotate(Actor actor, String id, Duration overlap) {
        if (overlap.isNegative()) throw new IllegalArgumentException("overlap must not be negative: " + overlap);
        if (!Tokens.isWellFormedId(id)) return Optional.empty();
        KeyRecord old = repository.find(id).orElse(null);
        if (old == null || old.revokedAt() != null) return Optional.empty();
        long now = audits.now();
        Long newExpiry = old.expiresAt() == null ? null : now + Math.max(1, old.expiresAt() - old.createdAt());
        Long oldExpiry = old.expiresAt();
        Long oldRevoked = null;
        if (overlap.isZero()) {
            oldRevoked = now;
        } else {
            long end = Views.saturatedAdd(now, overlap.toSeconds());
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
                        old.ops().metadata(), old.ops().allowedIps(), null, actor.name(), null),
                verifier.currentFingerprint());
        AuditRecord a = audits.record(actor, "rotate", id, old.userId(), Audits.detail("successor", successor.id()));
        if (!repository.rotate(id, oldExpiry, oldRevoked, successor, a)) return Optional.empty();
        verifier.forget(id);
        audits.announce(a, null);
        log.debug("pkauth: rotated key {} to {}", old.prefix(), successor.prefix());
        return Optional.of(new IssuedKey(minted.token(), Views.toApiKey(successor)));
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

    /** Revokes a key and its descendants; true when this call revoked the key itself. */
    public boolean revoke(Actor actor, String id, @Nullable String note) {
        if (!Tokens.isWellFormedId(id)) return false;
        if (note != null && note.length() > 1000) throw new IllegalArgumentException("a note is at most 1,000 characters");
        AuditRecord a = audits.record(actor, "revoke", id, null, note == null ? null : Audits.detail("note", note));
        List<String> revoked = repository.revokeTree(id, audits.now(), a);
        verifier.forget(id);
        for (String r : revoked) verifier.forget(r);
        if (!revoked.isEmpty()) {
            audits.announce(a, Audits.detail("revoked", revoked.size()));
            log.debug("pkauth: revoked key {} and {} key(s) minted from it", Tokens.prefixOfId(id),
                    revoked.size() - (revoked.contains(id) ? 1 : 0));
        }
        return revoked.contains(id);
    }

    /** Disables a key and its descendants; true when this call disabled the key. */
    public boolean disable(Actor actor, String id) {
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audits.record(actor, "disable", id, null, null);
        List<String> changed = repository.disableTree(id, audits.now(), actor.keyHolder() ? HOLDER_MARK + id : id, a);
        for (String c : changed) verifier.forget(c);
        if (!changed.isEmpty()) audits.announce(a, Audits.detail("disabled", changed.size()));
        return !changed.isEmpty();
    }

    /**
     * Enables what this key's disable disabled; a key holder lifts only their own disable, an
     * operator either.
     */
    public boolean enable(Actor actor, String id) {
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audits.record(actor, "enable", id, null, null);
        List<String> changed = repository.enableTree(id,
                actor.keyHolder() ? List.of(HOLDER_MARK + id) : List.of(id, HOLDER_MARK + id), a);
        for (String c : changed) verifier.forget(c);
        if (!changed.isEmpty()) audits.announce(a, Audits.detail("enabled", changed.size()));
        return !changed.isEmpty();
    }
}
