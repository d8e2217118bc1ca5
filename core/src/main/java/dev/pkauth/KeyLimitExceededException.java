package dev.pkauth;

/**
 * A user already holds the most active keys the store allows
 * ({@link ApiKeyStoreBuilder#maxKeysPerUser(int)}); nothing was created. An HTTP front end
 * answers 409, the CLI exits 1. The message names the user and the limit, never a key.
 */
public final class KeyLimitExceededException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * A refused create.
     *
     * @param message what went wrong and how to fix it
     */
    public KeyLimitExceededException(String message) {
        super(message);
    }
}
