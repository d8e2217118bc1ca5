package dev.pkauth.internal.engine;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.KeyPolicy;
import dev.pkauth.Settings;
import dev.pkauth.Usage;
import dev.pkauth.Verification;
import dev.pkauth.internal.jdbc.DatabaseTarget;
import dev.pkauth.internal.jdbc.JdbcKeyRepository;
import dev.pkauth.internal.metrics.MicrometerMetrics;
import dev.pkauth.internal.metrics.StoreMetrics;
import dev.pkauth.internal.store.InMemoryKeyRepository;
import dev.pkauth.internal.store.KeyRepository;
import dev.pkauth.internal.store.TouchWriter;
import dev.pkauth.internal.token.TokenFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: opens the backend, makes the writer thread, the verifier, the meter, the
 * lifecycle, the operations and the audit log over it, and closes them in order. The façade holds
 * one and asks it; nothing it makes knows of it.
 */
public final class Engine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StoreOptions.LOGGER);

    private final KeyRepository repository;
    private final KeyVerifier verifier;
    private final UsageMeter meter;
    private final TouchWriter touches;
    private final Lifecycle lifecycle;
    private final Operations operations;
    private final Audits audits;
    private final Imports imports;
    private final Idempotency idempotency;
    private final @Nullable ExecutorService ownedExecutor;
    private final KeyPolicy keyPolicy;
    private final String description;
    private final String location;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Engine(StoreOptions o, KeyRepository repository, String description, String location, Object database) {
        this.repository = repository;
        this.location = location;
        this.keyPolicy = o.keyPolicy();
        StoreMetrics metrics = o.meterRegistry() == null ? StoreMetrics.NONE : new MicrometerMetrics(o.meterRegistry(), o.table());
        Executor executor = o.executor();
        if (executor == null) {
            ownedExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "pkauth-writer");
                t.setDaemon(true);
                return t;
            });
            executor = ownedExecutor;
        } else {
            ownedExecutor = null;
        }
        this.touches = new TouchWriter(repository, executor, o.touchInterval().toSeconds(), metrics);
        this.audits = new Audits(repository, o.clock(), o.auditListener());
        this.verifier = new KeyVerifier(o, repository, repository, database, touches, metrics, audits);
        this.meter = new UsageMeter(o, repository, metrics, verifier::row);
        this.lifecycle = new Lifecycle(repository, verifier, audits, o.maxKeysPerUser(), o.keyPolicy());
        this.operations = new Operations(repository, verifier, audits);
        this.imports = new Imports(repository, verifier, audits);
        this.idempotency = new Idempotency(repository, lifecycle, audits);
        this.description = description + (o.caches() ? ", cache ttl " + o.cacheTtl().toSeconds() + "s" : ", no cache");
    }

    /** Opens the database the options name (creating or upgrading its table unless told not to) and the engine on it. */
    public static Engine open(StoreOptions o, DatabaseTarget target, Settings settings) {
        KeyRepository repository;
        String description;
        if (target.isInMemory()) {
            repository = new InMemoryKeyRepository();
            description = "in-memory";
        } else {
            // The cache's change watcher holds one connection for good; do not take it from the requests.
            DatabaseTarget.Opened db = target.open(o.poolSize(), o.caches() ? 1 : 0, o.connectionTimeout(), o.queryTimeout(), true);
            JdbcKeyRepository jdbc = new JdbcKeyRepository(db.dataSource(), db.lookups(), db.owned(), db.dialect(), o.table());
            repository = jdbc;
            description = jdbc.dialect().name().toLowerCase(Locale.ROOT) + ", table=" + o.table();
            if (o.migrate()) {
                try {
                    jdbc.migrate();
                } catch (RuntimeException e) {
                    jdbc.close();
                    throw e;
                }
            }
        }
        // Engines of this JVM with equal identities share cache invalidations.
        Engine engine = new Engine(o, repository, description, target.where() + " (table " + o.table() + ")",
                target.identity(o.table()));
        // One line an operator can compare with the CLI's and the other instances': the same
        // database, table and pepper fingerprint, or not (never a password, pepper or hash).
        log.info("pkauth: opened key store on {}, table {}, pepper fingerprint {}{}, {}, at most {} keys per user, "
                + "default rate limit {}, failed-auth limit {}", target.where(), o.table(), engine.verifier.currentFingerprint(),
                o.rehashAllowed() ? "" : " (the public development pepper)",
                o.caches() ? "cache ttl " + o.cacheTtl().toSeconds() + "s" : "no cache", o.maxKeysPerUser(),
                o.defaultRateLimit() == null ? "none" : o.defaultRateLimit(),
                o.failedAuthLimit() == null ? "off" : o.failedAuthLimit());
        engine.verifier.warnOfForeignPeppers(settings, description);
        return engine;
    }

    /** @throws IllegalStateException once the engine is closed */
    public void ensureOpen() {
        if (closed.get()) throw new IllegalStateException("this ApiKeyStore is closed");
    }

    // --- verification and metering --------------------------------------------------------

    /**
     * A token's verification; with a client address, within that address's budget of rejected
     * keys; {@code use} false leaves {@code last_used_at} alone and meters nothing.
     */
    public Verification verify(String token, @Nullable String clientAddress, boolean use) {
        return meter.verify(token, clientAddress, verifier, use);
    }

    /** Meters one request of an authorized key. */
    public Usage admit(ApiKeyPrincipal principal) {
        return meter.admit(principal);
    }

    /** Spends credits of a key and of each metered key above it. */
    public Usage consume(ApiKeyPrincipal principal, long credits) {
        return meter.consume(principal, credits);
    }

    /** Gives back credits spent for a request the host then refused. */
    public void refund(ApiKeyPrincipal principal, long credits) {
        meter.refund(principal, credits);
    }

    /** Whose budget of rejected keys an address spends. */
    public static String budgetOf(String address) {
        return UsageMeter.budgetOf(address);
    }

    /** The token format: the prefix new tokens get and the earlier ones still accepted. */
    public TokenFormat tokenFormat() {
        return verifier.format();
    }

    /** Where the verification cache disagrees with the table (see {@code KeyVerifier#cacheDisagreements}); for tests. */
    public List<String> cacheDisagreements() {
        return verifier.cacheDisagreements();
    }

    /** Lookups that reached the database through the cache so far. */
    public long cacheMisses() {
        return verifier.cacheMisses();
    }

    // --- the parts --------------------------------------------------------------------------

    /** Minting, reading and changing keys. */
    public Lifecycle lifecycle() {
        return lifecycle;
    }

    /** Queries and bulk changes over every user's keys. */
    public Operations operations() {
        return operations;
    }

    /**
     * Copies another system's keys in, with their hashes as stored there; {@code progress} is told
     * the counts every {@value Imports#PROGRESS_EVERY} keys.
     */
    public dev.pkauth.ImportResult importKeys(Actor actor, String source, Iterable<dev.pkauth.ImportedKey> keys, boolean dryRun,
            java.util.function.@Nullable Consumer<dev.pkauth.ImportResult> progress) {
        ensureOpen();
        return imports.run(actor, source, keys, dryRun, progress);
    }

    /** Mints and rotations under idempotency keys. */
    public Idempotency idempotency() {
        return idempotency;
    }

    /** The audit log. */
    public Audits audits() {
        return audits;
    }

    /** What every key must meet. */
    public KeyPolicy keyPolicy() {
        return keyPolicy;
    }

    /** The fingerprint of the pepper new keys are hashed under. */
    public String pepperFingerprint() {
        return verifier.currentFingerprint();
    }

    /** Fingerprints of peppers this engine lacks that the newest keys were hashed under. */
    public Set<String> foreignPepperFingerprints() {
        return verifier.foreignFingerprints();
    }

    /** The database and table, as an operator compares them. */
    public String location() {
        return location;
    }

    // --- life -------------------------------------------------------------------------------

    /** Writes pending {@code last_used_at} updates now, on the calling thread. */
    public void flush() {
        touches.flush();
    }

    /** Flushes pending writes, stops the writer thread and closes the pool this engine made; once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        verifier.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        touches.close();
        repository.close();
    }

    @Override
    public String toString() {
        return description;
    }
}
