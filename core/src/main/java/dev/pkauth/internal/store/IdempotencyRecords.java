package dev.pkauth.internal.store;

import org.jspecify.annotations.Nullable;

/**
 * Idempotency keys of mints and rotations: who claimed one, for which request, and the key it
 * made. A claim is committed before the key is made and completed after, so a repeat finds the
 * key, a concurrent repeat finds the claim in progress, and a claim whose holder died is taken
 * over after {@link #ABANDONED_AFTER_SECONDS}. The port of the engine's idempotency; backends
 * throw {@link dev.pkauth.StoreUnavailableException} when they cannot answer.
 */
public interface IdempotencyRecords {
    /** How long a completed idempotency key answers repeats: a day. */
    long RETAIN_SECONDS = 86_400;
    /** A claim not completed within this long is taken to be abandoned (its process died) and may be claimed again. */
    long ABANDONED_AFTER_SECONDS = 60;

    /** What a claim found. */
    enum Status { CLAIMED, REPLAY, CONFLICT, IN_PROGRESS }

    /**
     * @param status CLAIMED: this caller holds it and must complete or release it; REPLAY: done
     *     before for the same request, {@code keyId} made then; CONFLICT: used for another
     *     request; IN_PROGRESS: the same request is being served by another call
     * @param keyId the key made, for a replay
     */
    record Claim(Status status, @Nullable String keyId) {}

    /** Claims {@code key} in {@code scope} for the request hashed as {@code requestHash}, at {@code now} (Unix seconds). */
    Claim claim(String scope, String key, String requestHash, long now);

    /** Records the key a claim made. */
    void complete(String scope, String key, String keyId);

    /** Gives up a claim whose request failed, so a retry may run it. */
    void release(String scope, String key);
}
