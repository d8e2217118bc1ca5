package dev.pkauth.internal.engine;

import dev.pkauth.KeyPage;
import dev.pkauth.KeyQuery;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyFilter;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.KeyScans;
import dev.pkauth.internal.text.Validation;
import dev.pkauth.internal.token.Tokens;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operating keys at scale: queries over every user's keys, counts for dry runs, and the bulk
 * changes (offboarding, sweeping unused keys, purging ended rows), each batch its own transaction
 * with an audit row.
 */
public final class Operations {
    private static final Logger log = LoggerFactory.getLogger(StoreOptions.LOGGER);
    /** Rows changed per transaction by the bulk operations. */
    static final int BATCH = 1000;

    private final KeyScans repository;
    private final KeyVerifier verifier;
    private final Audits audits;

    Operations(KeyScans repository, KeyVerifier verifier, Audits audits) {
        this.repository = repository;
        this.verifier = verifier;
        this.audits = audits;
    }

    /** One page of the keys {@code q} selects, newest first. */
    public KeyPage query(KeyQuery q) {
        Views.checkPageSize(q.limit(), "page size");
        Views.Cursor after = Views.Cursor.parse(q.after());
        List<KeyRecord> rows = repository.query(filter(q, audits.now()), q.limit() + 1,
                after == null ? null : after.createdAt(), after == null ? null : after.id());
        return Views.page(rows, q.limit());
    }

    /** How many keys {@code q} selects. */
    public long count(KeyQuery q) {
        return repository.count(filter(q, audits.now()));
    }

    private static KeyFilter filter(KeyQuery q, long now) {
        return new KeyFilter(q.userId() == null ? null : Validation.userId(q.userId()),
                q.status() == null ? null : q.status().name().toLowerCase(Locale.ROOT),
                q.expiringWithin() == null ? null : Views.saturatedAdd(now, q.expiringWithin().toSeconds()),
                q.unusedFor() == null ? null : now - q.unusedFor().toSeconds(), now);
    }

    /** Revokes every key of a user in one statement; how many. */
    public int revokeAll(Actor actor, String userId) {
        String user = Validation.userId(userId);
        AuditRecord a = audits.record(actor, "revoke-all", null, user, null);
        List<String> revoked = repository.revokeAll(user, audits.now(), a);
        for (String id : revoked) verifier.forget(id);
        audits.announce(a, Audits.detail("revoked", revoked.size()));
        log.debug("pkauth: revoked all {} key(s) of user {}", revoked.size(), user);
        return revoked.size();
    }

    /** Deletes one key's row; whether there was one. */
    public boolean purge(Actor actor, String id) {
        if (!Tokens.isWellFormedId(id)) return false;
        AuditRecord a = audits.record(actor, "purge", id, null, null);
        boolean deleted = repository.delete(id, a);
        verifier.forget(id);
        if (deleted) audits.announce(a, null);
        return deleted;
    }

    /** Revokes keys unused for {@code unusedFor}, in batches; how many (or, dry, would be). */
    public long sweepUnused(Actor actor, Duration unusedFor, boolean dryRun, @Nullable LongConsumer progress) {
        if (unusedFor.isNegative() || unusedFor.isZero()) throw new IllegalArgumentException("unusedFor must be positive");
        long now = audits.now();
        long cutoff = now - unusedFor.toSeconds();
        if (dryRun) return repository.count(new KeyFilter(null, null, null, cutoff, now));
        long total = 0;
        List<String> batch;
        do {
            AuditRecord a = audits.record(actor, "sweep", null, null, null);
            batch = repository.revokeUnused(cutoff, now, BATCH, a);
            for (String id : batch) verifier.forget(id);
            total += batch.size();
            if (!batch.isEmpty()) audits.announce(a, Audits.detail("revoked", batch.size(), "unused_before", cutoff));
            if (progress != null && !batch.isEmpty()) progress.accept(total);
        } while (batch.size() == BATCH);
        return total;
    }

    /** Deletes rows revoked or expired longer than {@code olderThan} ago, in batches; how many (or, dry, would be). */
    public long purgeEnded(Actor actor, Duration olderThan, boolean dryRun, @Nullable LongConsumer progress) {
        if (olderThan.isNegative()) throw new IllegalArgumentException("olderThan must not be negative");
        long cutoff = audits.now() - olderThan.toSeconds();
        if (dryRun) return repository.countPurgeable(cutoff);
        long total = 0;
        int n;
        do {
            AuditRecord a = audits.record(actor, "purge", null, null, null);
            n = repository.purgeBatch(cutoff, BATCH, a);
            total += n;
            if (n > 0) audits.announce(a, Audits.detail("deleted", n, "ended_before", cutoff));
            if (progress != null && n > 0) progress.accept(total);
        } while (n == BATCH);
        // Purged rows can no longer verify; cached copies would until their TTL.
        if (total > 0) verifier.forgetAll();
        return total;
    }
}
