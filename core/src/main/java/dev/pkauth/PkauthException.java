package dev.pkauth;

/**
 * Root of pkauth's failures. Messages never contain a token, secret or hash.
 *
 * <p>Bad arguments are {@link IllegalArgumentException}s, as usual in Java; a key that does not
 * verify is not an exception at all but a {@link Verification.Invalid} result.
 */
public class PkauthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception saying what went wrong and how to fix it.
     *
     * @param message what went wrong and how to fix it
     */
    public PkauthException(String message) {
        super(message);
    }

    /**
     * An exception saying what went wrong and how to fix it.
     *
     * @param message what went wrong and how to fix it
     * @param cause the underlying exception, or {@code null}
     */
    public PkauthException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
        super(message, cause);
    }
}
