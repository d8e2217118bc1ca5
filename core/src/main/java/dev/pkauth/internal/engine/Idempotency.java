package dev.pkauth.internal.engine;

import dev.pkauth.ApiKey;
import dev.pkauth.IdempotencyConflictException;
import dev.pkauth.IdempotencyKey;
import dev.pkauth.IssueResult;
import dev.pkauth.IssuedKey;
import dev.pkauth.internal.store.IdempotencyRecords;
import dev.pkauth.internal.token.Sha256Digest;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Mints and rotations under a client's idempotency key: the key is claimed (committed) before the
 * work and completed with the key made after it, so a repeat answers that key, a concurrent
 * repeat is told the first is in progress, and a repeat with another request is refused. Keys
 * are scoped by the owner, so two users' keys never meet, and kept a day. Only a hash of the
 * request is stored.
 */
public final class Idempotency {
    private final IdempotencyRecords records;
    private final Lifecycle lifecycle;
    private final Audits audits;

    Idempotency(IdempotencyRecords records, Lifecycle lifecycle, Audits audits) {
        this.records = records;
        this.lifecycle = lifecycle;
        this.audits = audits;
    }

    /**
     * Runs {@code action} once for ({@code owner}, {@code key}); a repeat answers what it made.
     *
     * @param operation what the action is ({@code create}, {@code rotate key_…}): part of the request compared
     * @return empty when the action made nothing (a rotation of an unknown key)
     */
    public Optional<IssueResult> run(String owner, IdempotencyKey key, String operation, Supplier<Optional<IssuedKey>> action) {
        String scope = "user:" + owner;
        String hash = Sha256Digest.hexOfUtf8(operation + "\n" + key.request());
        IdempotencyRecords.Claim claim = records.claim(scope, key.value(), hash, audits.now());
        switch (claim.status()) {
            case REPLAY -> {
                ApiKey made = lifecycle.find(java.util.Objects.requireNonNull(claim.keyId())).orElseThrow(() ->
                        new IdempotencyConflictException("the key this idempotency key made has been purged; use a new idempotency key",
                                false));
                return Optional.of(new IssueResult(made, null));
            }
            case CONFLICT -> throw new IdempotencyConflictException(
                    "this idempotency key was used within the last day for a different request; use a new one", false);
            case IN_PROGRESS -> throw new IdempotencyConflictException(
                    "a request with this idempotency key is still being served; retry shortly", true);
            default -> { }
        }
        Optional<IssuedKey> made;
        try {
            made = action.get();
        } catch (RuntimeException e) {
            try {
                records.release(scope, key.value());
            } catch (RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
        if (made.isEmpty()) {
            records.release(scope, key.value());
            return Optional.empty();
        }
        records.complete(scope, key.value(), made.get().key().id());
        return Optional.of(new IssueResult(made.get().key(), made.get()));
    }
}
