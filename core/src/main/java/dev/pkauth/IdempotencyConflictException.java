package dev.pkauth;

/**
 * An idempotency key that cannot be honoured: used within the last day for another request, or
 * the same request is still being served by another call. Nothing was created. An HTTP front
 * end answers 409.
 */
public final class IdempotencyConflictException extends PkauthException {
    private static final long serialVersionUID = 1L;

    /** Whether the first request with this key is still being served. */
    private final boolean inProgress;

    /**
     * A refused repeat.
     *
     * @param message what went wrong
     * @param inProgress true when the first request is still being served (retry shortly)
     */
    public IdempotencyConflictException(String message, boolean inProgress) {
        super(message);
        this.inProgress = inProgress;
    }

    /**
     * Whether the first request with this key is still being served, so a retry shortly may succeed.
     *
     * @return true for a request in progress, false for a key used with another request
     */
    public boolean inProgress() {
        return inProgress;
    }
}
