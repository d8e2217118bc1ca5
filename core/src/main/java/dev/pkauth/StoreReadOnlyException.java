package dev.pkauth;

/**
 * The database refused a write because it is read-only: a file or mount without write permission
 * (SQLite), a standby or a read-only role or transaction (PostgreSQL). Unlike other
 * {@link StoreUnavailableException}s this does not pass by itself, so it is not answered "try
 * again shortly": key changes answer 500 {@code store_read_only}, and the store logs one ERROR
 * naming the cause. Verification, which only reads, keeps working.
 */
public final class StoreReadOnlyException extends StoreUnavailableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be written, and where
     * @param cause the driver's exception
     */
    public StoreReadOnlyException(String message, Throwable cause) {
        super(message, cause);
    }
}
