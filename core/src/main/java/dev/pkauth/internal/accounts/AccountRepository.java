package dev.pkauth.internal.accounts;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Optional;

/** Storage of linked accounts. Failures are {@link dev.pkauth.StoreUnavailableException}s, never empty answers. */
public interface AccountRepository extends AutoCloseable {
    void migrate();

    /**
     * Inserts {@code account}, or, when {@code (provider_id, account_id)} exists, updates that row's
     * user, tokens, expiries, scope, password and {@code updated_at}, keeping its id and {@code created_at}.
     *
     * @param moveUser whether an existing row of another user may be given to this one; when not,
     *     such a row is left alone and {@link IllegalStateException} thrown
     * @return the row as stored
     */
    AccountRecord upsert(AccountRecord account, boolean moveUser);

    Optional<AccountRecord> find(String providerId, String accountId);

    List<AccountRecord> listByUser(String userId);

    /** Up to {@code limit} rows ordered by id, after {@code afterId} ({@code null}: from the start). */
    List<AccountRecord> listAll(String afterId, int limit);

    boolean delete(String providerId, String accountId);

    /** How many rows hold a token sealed in the legacy {@code pkenc:v1:} format. */
    long countLegacySealed();

    /**
     * Replaces {@code row}'s three tokens with {@code access}, {@code refresh} and {@code id} if
     * they are still what {@code row} holds (a concurrent link wins); whether it did.
     */
    boolean reseal(AccountRecord row, @Nullable String access, @Nullable String refresh, @Nullable String id);

    @Override
    void close();
}
