package dev.pkauth;

import dev.pkauth.internal.engine.Actor;
import dev.pkauth.internal.engine.Engine;
import dev.pkauth.internal.engine.Idempotency;
import dev.pkauth.internal.engine.Lifecycle;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Mints and rotations of a store under one idempotency key, from {@link
 * ApiKeyStore#withIdempotencyKey}: each answers the key made, with its token the first time and
 * without it on a repeat of the same request within a day. A repeat with another request, or
 * while the first is still being served, throws {@link IdempotencyConflictException}.
 */
public final class IdempotentMints {
    private final Engine engine;
    private final Lifecycle lifecycle;
    private final Idempotency idempotency;
    private final Actor actor;
    private final IdempotencyKey key;

    IdempotentMints(Engine engine, Actor actor, IdempotencyKey key) {
        this.engine = engine;
        this.lifecycle = engine.lifecycle();
        this.idempotency = engine.idempotency();
        this.actor = actor;
        this.key = key;
    }

    /**
     * {@link ApiKeyStore#create(String, KeySpec)}, once.
     *
     * @param userId the owner's user id
     * @param spec what to mint
     * @return the key, with its token when this call made it
     * @throws IdempotencyConflictException when the key was used for another request, or the first is in progress
     */
    public IssueResult create(String userId, KeySpec spec) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(spec, "spec");
        engine.ensureOpen();
        return idempotency.run(userId, key, "create", () -> Optional.of(lifecycle.create(actor, userId, spec))).orElseThrow();
    }

    /**
     * {@link ApiKeyStore#create(ApiKeyPrincipal, KeySpec)}, once.
     *
     * @param minter the key a request was authenticated with
     * @param spec what to mint
     * @return the key, with its token when this call made it
     * @throws IdempotencyConflictException when the key was used for another request, or the first is in progress
     */
    public IssueResult create(ApiKeyPrincipal minter, KeySpec spec) {
        Objects.requireNonNull(minter, "minter");
        Objects.requireNonNull(spec, "spec");
        engine.ensureOpen();
        return idempotency.run(minter.userId(), key, "create by " + minter.keyId(),
                () -> Optional.of(lifecycle.create(actor, minter, spec))).orElseThrow();
    }

    /**
     * {@link ApiKeyStore#rotate(String, Duration)}, once. The rotation is known afterwards by its
     * successor's id: the old key's {@link ApiKey#rotatedTo()}, and what a repeat answers.
     *
     * @param id the key to rotate
     * @param overlap how long the old key keeps working
     * @return the successor, with its token when this call made it; empty when there is no such unrevoked key
     * @throws IdempotencyConflictException when the key was used for another request, or the first is in progress
     */
    public Optional<IssueResult> rotate(String id, Duration overlap) {
        Objects.requireNonNull(overlap, "overlap");
        engine.ensureOpen();
        Optional<ApiKey> old = lifecycle.find(Objects.requireNonNull(id, "id"));
        if (old.isEmpty()) return Optional.empty();
        return idempotency.run(old.get().userId(), key, "rotate " + id, () -> lifecycle.rotate(actor, id, overlap));
    }
}
