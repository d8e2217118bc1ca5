package dev.pkauth;

/**
 * The key store could not answer: the database is down, locked, read-only, or the pool timed out.
 *
 * <p><b>This never means that a key is invalid.</b> The filters answer it with 503 and
 * {@code Retry-After}, so a database hiccup never logs users out or lets anyone in.
 */
public class StoreUnavailableException extends PkauthException {
    private static final long serialVersionUID = 1L;

    /**
     * The store could not answer.
     *
     * @param message what went wrong and how to fix it
     * @param cause the underlying exception, or {@code null}
     */
    public StoreUnavailableException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
        super(message, cause);
    }
}
