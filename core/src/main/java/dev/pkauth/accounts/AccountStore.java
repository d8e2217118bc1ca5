package dev.pkauth.accounts;

import org.jspecify.annotations.Nullable;
import dev.pkauth.Settings;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.internal.accounts.AccountRecord;
import dev.pkauth.internal.jdbc.DatabaseTarget;
import dev.pkauth.internal.config.Options;
import dev.pkauth.internal.accounts.AccountRepository;
import dev.pkauth.internal.accounts.InMemoryAccountRepository;
import dev.pkauth.internal.jdbc.JdbcAccountRepository;
import dev.pkauth.internal.token.TokenCipher;
import dev.pkauth.internal.token.TokenCipher.Binding;
import dev.pkauth.internal.text.Validation;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Linked accounts per user (better-auth's {@code account} table), on SQLite or PostgreSQL.
 * Provider tokens are stored encrypted (AES-256-GCM) when an account key is configured, bound to
 * their row and user; plaintext rows are then refused unless {@link Builder#readPlaintextTokens}
 * allows them. A database that cannot answer throws
 * {@link StoreUnavailableException}: failures never turn into {@code false} or an empty list.
 *
 * <pre>{@code
 * try (AccountStore accounts = AccountStore.builder().jdbcUrl("jdbc:sqlite:app.db")
 *         .encryptionKey(System.getenv("PKAUTH_ACCOUNT_KEY")).build()) {
 *     accounts.link(AccountLink.of("alice", "github", "583231").accessToken("gho_…").build());
 *     Optional<LinkedAccount> github = accounts.find("github", "583231");
 * }
 * }</pre>
 */
public final class AccountStore implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AccountStore.class);
    private static final java.util.concurrent.atomic.AtomicBoolean warnedPlaintext = new java.util.concurrent.atomic.AtomicBoolean();
    /** bcrypt ({@code $2a$}, {@code $2b$}, {@code $2y$}) or PHC-format Argon2. */
    private static final Pattern PASSWORD_HASH = Pattern.compile(
            "\\$2[abxy]?\\$\\d{2}\\$[./A-Za-z0-9]{53}|\\$argon2(id|i|d)\\$v=\\d+\\$m=\\d+,t=\\d+,p=\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_FIELD_CHARS = 255;
    private static final int MAX_PAGE = 1000;

    private final AccountRepository repository;
    private final TokenCipher cipher;
    private final Clock clock;
    private final String description;

    private AccountStore(AccountRepository repository, TokenCipher cipher, Clock clock, String description) {
        this.repository = repository;
        this.cipher = cipher;
        this.clock = clock;
        this.description = description;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private void ensureOpen() {
        if (closed.get()) throw new IllegalStateException("this AccountStore is closed");
    }

    /**
     * A builder: choose a backend, then {@link Builder#build()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Links an identity to a user, or updates the user's link: an existing {@code (provider,
     * account)} of the same user keeps its id and creation time and takes the given tokens,
     * expiries, scope and password hash.
     *
     * @param link the link
     * @return the link as stored
     * @throws IllegalArgumentException for empty ids, over-long values, or a password that is not a hash
     * @throws IllegalStateException when the identity is linked to another user: moving it is
     *     {@link #relink(AccountLink)}, never a side effect of linking
     */
    public LinkedAccount link(AccountLink link) {
        ensureOpen();
        return upsert(link, false);
    }

    /**
     * Links an identity to the given user even when another user holds it now (an account merge,
     * a support action): the explicit form of moving an identity between users.
     *
     * @param link the link
     * @return the link as stored
     * @throws IllegalArgumentException as {@link #link(AccountLink)}
     */
    public LinkedAccount relink(AccountLink link) {
        ensureOpen();
        return upsert(link, true);
    }

    private LinkedAccount upsert(AccountLink link, boolean moveUser) {
        Objects.requireNonNull(link, "link");
        String user = Validation.userId(link.userId());
        String provider = field(link.providerId(), "provider id");
        String account = field(link.accountId(), "account id");
        if (link.passwordHash() != null && !PASSWORD_HASH.matcher(link.passwordHash()).matches()) {
            throw new IllegalArgumentException("the password column holds only a bcrypt or Argon2 hash "
                    + "($2b$… or $argon2id$…), never a plaintext password: hash it first");
        }
        if (link.scope() != null && link.scope().length() > 4096) throw new IllegalArgumentException("scope is longer than 4096 characters");
        long now = Math.floorDiv(clock.millis(), 1000);
        AccountRecord stored = repository.upsert(new AccountRecord(newId(), user, provider, account,
                cipher.seal(link.accessToken(), new Binding(user, provider, account, "access_token")),
                cipher.seal(link.refreshToken(), new Binding(user, provider, account, "refresh_token")),
                cipher.seal(link.idToken(), new Binding(user, provider, account, "id_token")),
                seconds(link.accessTokenExpiresAt()), seconds(link.refreshTokenExpiresAt()), link.scope(), link.passwordHash(),
                now, now), moveUser);
        return open(stored);
    }

    /**
     * The identity {@code accountId} at {@code providerId}, if linked.
     *
     * @param providerId the identity provider ({@code github}, {@code google}…)
     * @param accountId the account's id at the provider
     * @return the identity {@code accountId} at {@code providerId}, if linked
     */
    public Optional<LinkedAccount> find(String providerId, String accountId) {
        ensureOpen();
        return repository.find(field(providerId, "provider id"), field(accountId, "account id")).map(this::open);
    }

    /**
     * What is linked to the user, without decrypting anything: for operators and tools that hold
     * no account key (which tokens are present, not what they are).
     *
     * @param userId the owner's user id
     * @return what is linked to the user, one summary per account
     */
    public List<AccountSummary> summaries(String userId) {
        ensureOpen();
        List<AccountSummary> out = new ArrayList<>();
        for (AccountRecord r : repository.listByUser(Validation.userId(userId))) {
            out.add(new AccountSummary(r.id(), r.userId(), r.providerId(), r.accountId(), r.scope(),
                    r.accessToken() != null, r.refreshToken() != null, r.idToken() != null, r.password() != null,
                    instant(r.accessTokenExpiresAt()), Instant.ofEpochSecond(r.createdAt()), Instant.ofEpochSecond(r.updatedAt())));
        }
        return List.copyOf(out);
    }

    /**
     * Every identity linked to the user, by provider.
     *
     * @param userId the owner's user id
     * @return every identity linked to the user, by provider
     */
    public List<LinkedAccount> list(String userId) {
        ensureOpen();
        return open(repository.listByUser(Validation.userId(userId)));
    }

    /**
     * One page of all linked accounts, by id, for administration.
     *
     * @param afterId the last id of the previous page, or {@code null} for the first
     * @param limit 1 to 1000
     * @return one page of links, by id
     */
    public List<LinkedAccount> listAll(String afterId, int limit) {
        ensureOpen();
        if (limit < 1 || limit > MAX_PAGE) throw new IllegalArgumentException("limit must be 1 to " + MAX_PAGE + ", was " + limit);
        return open(repository.listAll(afterId, limit));
    }

    /**
     * Removes a link.
     *
     * @param providerId the identity provider ({@code github}, {@code google}…)
     * @param accountId the account's id at the provider
     * @return whether a link was removed
     */
    public boolean unlink(String providerId, String accountId) {
        ensureOpen();
        return repository.delete(field(providerId, "provider id"), field(accountId, "account id"));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        repository.close();
    }

    @Override
    public String toString() {
        return "AccountStore[" + description + (cipher.encrypts() ? ", tokens encrypted" : ", tokens in plaintext") + "]";
    }

    private List<LinkedAccount> open(List<AccountRecord> rows) {
        List<LinkedAccount> out = new ArrayList<>(rows.size());
        for (AccountRecord r : rows) out.add(open(r));
        return List.copyOf(out);
    }

    private LinkedAccount open(AccountRecord r) {
        Binding access = new Binding(r.userId(), r.providerId(), r.accountId(), "access_token");
        Binding refresh = new Binding(r.userId(), r.providerId(), r.accountId(), "refresh_token");
        Binding id = new Binding(r.userId(), r.providerId(), r.accountId(), "id_token");
        LinkedAccount a = new LinkedAccount(r.id(), r.userId(), r.providerId(), r.accountId(),
                cipher.open(r.accessToken(), access), cipher.open(r.refreshToken(), refresh), cipher.open(r.idToken(), id),
                instant(r.accessTokenExpiresAt()), instant(r.refreshTokenExpiresAt()), r.scope(), r.password(),
                Instant.ofEpochSecond(r.createdAt()), Instant.ofEpochSecond(r.updatedAt()));
        if (cipher.encrypts() && r.sealedLegacy()) {
            // v1 does not bind a token to its user: seal it as v2, bound to the row as it is now,
            // so it can no longer be moved. A concurrent link wins; a failure leaves it for next time.
            try {
                repository.reseal(r, cipher.seal(a.accessToken(), access), cipher.seal(a.refreshToken(), refresh),
                        cipher.seal(a.idToken(), id));
            } catch (dev.pkauth.StoreUnavailableException e) {
                log.debug("pkauth: could not re-seal a legacy account token: {}", e.getMessage());
            }
        }
        return a;
    }

    private static String field(String value, String name) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(name + " must not be empty");
        if (value.length() > MAX_FIELD_CHARS) throw new IllegalArgumentException(name + " is longer than " + MAX_FIELD_CHARS + " characters");
        return value;
    }

    private static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return "acc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static @Nullable Long seconds(@Nullable Instant t) {
        return t == null ? null : t.getEpochSecond();
    }

    private static @Nullable Instant instant(@Nullable Long s) {
        return s == null ? null : Instant.ofEpochSecond(s);
    }

    /** Configures an {@link AccountStore}; explicit calls win over {@link #settings(Settings)}. */
    public static final class Builder {
        private @Nullable Settings settings;
        private final DatabaseTarget target = new DatabaseTarget();
        private @Nullable String table;
        private final List<byte[]> keys = new ArrayList<>();
        private @Nullable Clock clock;
        private @Nullable Boolean readPlaintext;
        private @Nullable Duration connectionTimeout;
        private @Nullable Duration queryTimeout;
        private boolean migrate = true;

        private Builder() {}

        /**
         * With an account key set, still read tokens stored in plaintext (rows of a Pylon table
         * being migrated) instead of refusing them; linking such an account again encrypts it.
         * Off by default: anyone able to write the table could plant a plaintext token.
         *
         * @param read true to read them
         * @return this builder
         */
        public Builder readPlaintextTokens(boolean read) {
            Options.requireUnset(this.readPlaintext, "readPlaintextTokens");
            this.readPlaintext = read;
            return this;
        }

        /**
         * Reads {@code jdbc-url}, {@code jdbc-user}, {@code jdbc-password}, {@code account-table}, {@code account-key}, {@code account-key-previous}.
         *
         * @param settings the settings to read
         * @return this builder
         */
        public Builder settings(Settings settings) {
            Options.requireUnset(this.settings, "settings");
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Accounts in memory only: for tests and throwaway processes.
         *
         * @return this builder
         */
        public Builder inMemory() {
            target.inMemory();
            return this;
        }

        /**
         * {@code jdbc:sqlite:path} or {@code jdbc:postgresql://…}; the store makes and owns a pool.
         *
         * @param url the JDBC URL
         * @return this builder
         */
        public Builder jdbcUrl(String url) {
            target.jdbcUrl(url);
            return this;
        }

        /**
         * Credentials for {@link #jdbcUrl(String)}.
         *
         * @param user the database user
         * @param password the password, or {@code null}
         * @return this builder
         */
        public Builder credentials(String user, String password) {
            target.credentials(user, password);
            return this;
        }

        /**
         * A data source the application owns (and closes).
         *
         * @param dataSource a data source the application owns
         * @return this builder
         */
        public Builder dataSource(DataSource dataSource) {
            target.dataSource(dataSource);
            return this;
        }

        /**
         * Default {@code pkauth_accounts}; {@code _pylon_accounts} reads a Pylon table as it is.
         *
         * @param table an SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*})
         * @return this builder
         */
        public Builder table(String table) {
            Options.requireUnset(this.table, "table");
            this.table = Validation.table(table);
            return this;
        }

        /**
         * The current 256-bit key (base64) for provider tokens at rest; {@code null} leaves tokens in
         * plaintext. Call again for previous keys, newest first: they still decrypt.
         *
         * @param base64 the base64
         * @return this builder
         */
        public Builder encryptionKey(@Nullable String base64) {
            if (base64 != null && !base64.isBlank()) keys.add(TokenCipher.parseKey(base64, "the account key"));
            return this;
        }

        /**
         * The clock for link times; default the UTC system clock.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            Options.requireUnset(this.clock, "clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long to wait for a pooled connection before the store is unavailable; default 1 s, as for keys.
         *
         * @param timeout the wait, at least 250 ms
         * @return this builder
         */
        public Builder connectionTimeout(Duration timeout) {
            Options.requireUnset(this.connectionTimeout, "connectionTimeout");
            this.connectionTimeout = Options.connectionTimeout(timeout, "connectionTimeout");
            return this;
        }

        /**
         * On PostgreSQL, the longest a statement may run; default 750 ms, as for keys; {@link Duration#ZERO} for none.
         *
         * @param timeout the longest a statement may run, or {@link Duration#ZERO} for none
         * @return this builder
         */
        public Builder queryTimeout(Duration timeout) {
            Options.requireUnset(this.queryTimeout, "queryTimeout");
            this.queryTimeout = Options.notNegative(timeout, "queryTimeout");
            return this;
        }

        /**
         * Whether {@link #build()} creates or upgrades the table; default true.
         *
         * @param migrate false to leave the table as it is
         * @return this builder
         */
        public Builder migrate(boolean migrate) {
            this.migrate = migrate;
            return this;
        }

        /**
         * Opens the store: makes the pool, creates or upgrades the table.
         *
         * @return the open store
         */
        public AccountStore build() {
            Settings settings = this.settings != null ? this.settings : Settings.of(Map.of());
            Clock clock = this.clock != null ? this.clock : Clock.systemUTC();
            target.resolve(settings.get(Settings.JDBC_URL), settings.get(Settings.JDBC_USER), settings.get(Settings.JDBC_PASSWORD),
                    Settings.environmentName(Settings.JDBC_URL));
            if (table == null) table = Validation.table(Objects.requireNonNull(settings.getOrDefault(Settings.ACCOUNT_TABLE)));
            if (keys.isEmpty()) {
                encryptionKey(settings.get(Settings.ACCOUNT_KEY));
                String previous = settings.get(Settings.ACCOUNT_KEY_PREVIOUS);
                if (previous != null) Arrays.stream(previous.split(",")).forEach(this::encryptionKey);
            }
            TokenCipher cipher = new TokenCipher(keys, readPlaintext != null && readPlaintext);
            if (!cipher.encrypts() && warnedPlaintext.compareAndSet(false, true)) {
                log.warn("pkauth: no account key is set ({}): linked accounts' provider tokens are stored in plain text. "
                        + "Set it to a 256-bit key (openssl rand -base64 32) to encrypt them.",
                        Settings.environmentName(Settings.ACCOUNT_KEY));
            }
            if (target.isInMemory()) return new AccountStore(new InMemoryAccountRepository(), cipher, clock, "in-memory");
            DatabaseTarget.Opened db = target.open(null, 0,
                    connectionTimeout != null ? connectionTimeout : Options.DEFAULT_CONNECTION_TIMEOUT,
                    queryTimeout != null ? queryTimeout : Options.DEFAULT_QUERY_TIMEOUT, false);
            JdbcAccountRepository repository = new JdbcAccountRepository(db.dataSource(), db.owned(), db.dialect(), table);
            if (migrate) {
                try {
                    repository.migrate();
                } catch (RuntimeException e) {
                    repository.close();
                    throw e;
                }
            }
            if (cipher.encrypts()) {
                try {
                    if (repository.countLegacySealed() == 0) cipher.refuseLegacy();
                } catch (dev.pkauth.StoreUnavailableException e) {
                    // No table yet (opened without migrating) or no database: nothing to read either way.
                    log.debug("pkauth: could not count legacy-sealed account tokens: {}", e.getMessage());
                }
            }
            return new AccountStore(repository, cipher, clock,
                    repository.dialect().name().toLowerCase(java.util.Locale.ROOT) + ", table=" + table);
        }
    }
}
