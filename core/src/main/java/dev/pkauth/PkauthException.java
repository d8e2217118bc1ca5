package dev.pkauth;

/**
 * Root of pkauth's failures. Messages never contain a token, secret or hash.
 *
 * <p>Bad arguments are {@link IllegalArgumentException}s, as usual in Java; a key that does not
 * verify is not an exception at all but a {@link Verification.Invalid} result.
 */
public class PkauthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PkauthException(String message) {
        super(message);
    }

    public PkauthException(String message, Throwable cause) {
        super(message, cause);
    }
}
