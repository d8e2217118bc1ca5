package dev.pkauth.internal.engine;

import dev.pkauth.StoreUnavailableException;
import dev.pkauth.internal.metrics.StoreMetrics;
import dev.pkauth.internal.store.KeyImports;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.TouchWriter;
import dev.pkauth.internal.token.ForeignHash;
import dev.pkauth.internal.token.SecretHasher;
import dev.pkauth.internal.token.Sha256Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Keys whose row holds another system's hash: checked once under that scheme, then re-stored as
 * pkauth's HMAC (off the request thread, with an audit row and a metric), so every later use
 * takes the fast path.
 *
 * <p>A slow scheme (Argon2, bcrypt) must not become a lever against the server. It runs only for
 * a token whose row exists (an unknown id costs what it always did); attempts on one row run one
 * at a time, and the first success is remembered (as the HMAC the row is about to get) so that the
 * slow hash runs at most once per row until the upgrade lands; at most {@link #SLOW_SLOTS} run at
 * once in the process, and a request that waits {@link #SLOT_WAIT_MILLIS} for a slot gets 503 (the
 * store is busy) rather than queueing without bound. Wrong guesses against a known id are further
 * bounded by the failed-authentication limit of each client address.
 */
final class FirstUse {
    /** Slow checks in flight at once: half the processors, at least one. */
    static final int SLOW_SLOTS = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    static final long SLOT_WAIT_MILLIS = 2_000;
    private static final Actor ACTOR = new Actor("pkauth:first-use", false);
    private static final byte[] DECOY = new byte[SecretHasher.HASH_BYTES];

    private final SecretHasher hasher;
    private final KeyImports repository;
    private final TouchWriter touches;
    private final StoreMetrics metrics;
    private final Audits audits;
    private final Consumer<String> forget;
    private final Semaphore slots = new Semaphore(SLOW_SLOTS, true);
    /** Per-row serialisation of slow checks, striped: a fixed 64 locks whatever the number of rows. */
    private final ReentrantLock[] stripes = new ReentrantLock[64];
    /** Rows verified under their foreign hash whose upgrade has not landed yet: id → the HMAC they will hold. */
    private final Map<String, byte[]> pending = new ConcurrentHashMap<>();

    FirstUse(SecretHasher hasher, KeyImports repository, TouchWriter touches, StoreMetrics metrics, Audits audits,
            Consumer<String> forget) {
        this.hasher = hasher;
        this.repository = repository;
        this.touches = touches;
        this.metrics = metrics;
        this.audits = audits;
        this.forget = forget;
        for (int i = 0; i < stripes.length; i++) stripes[i] = new ReentrantLock();
    }

    /** Whether the SHA-256 of the whole token is {@code expected}; constant-time, allocation-free. */
    private static boolean sha256Equals(String token, byte @Nullable [] expected) {
        // Tokens reach here checked to be ASCII (pkauth's shape, or a declared legacy shape).
        return MessageDigest.isEqual(Sha256Digest.ofAscii(token), expected == null ? DECOY : expected) && expected != null;
    }

    /**
     * Whether {@code token} is the key of {@code row}, whose hash pkauth's HMAC did not match:
     * the SHA-256 of the whole token against a hex or base64 row, or the row's slow scheme. On a
     * match, the upgrade to pkauth's HMAC is queued.
     *
     * @param hex the row's hash as 32 raw bytes when it is 64 hex characters, else {@code null}
     * @param foreign the row's hash parsed as a foreign form, or {@code null}
     * @param secretStart where what pkauth's HMAC (and a slow scheme) covers starts: the 43
     *     characters of a token of pkauth's shape, or 0 for a legacy token, covered whole
     */
    boolean matches(KeyRecord row, String token, int secretStart, byte @Nullable [] hex, @Nullable ForeignHash foreign) {
        if (foreign == null || !foreign.slow()) {
            byte[] expected = hex != null ? hex : foreign instanceof ForeignHash.Sha256 s ? s.digest() : null;
            if (!sha256Equals(token, expected)) return false;
            upgrade(row, hasher.hash(token.substring(secretStart)), "sha256");
            return true;
        }
        String secret = token.substring(secretStart);
        byte[] input = secret.getBytes(StandardCharsets.US_ASCII);
        String newHash = hasher.hash(secret);
        byte[] newBytes = HexFormat.of().parseHex(newHash);
        byte[] upgraded = pending.get(row.id());
        if (upgraded != null) return MessageDigest.isEqual(newBytes, upgraded);
        ReentrantLock stripe = stripes[Math.floorMod(row.id().hashCode(), stripes.length)];
        boolean slot = false;
        try {
            if (!stripe.tryLock(SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) throw busy();
            try {
                upgraded = pending.get(row.id()); // verified while this one waited
                if (upgraded != null) return MessageDigest.isEqual(newBytes, upgraded);
                slot = slots.tryAcquire(SLOT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
                if (!slot) throw busy();
                if (!foreign.matches(input)) return false;
                upgrade(row, newHash, foreign.scheme());
                return true;
            } finally {
                if (slot) slots.release();
                stripe.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy();
        }
    }

    private static StoreUnavailableException busy() {
        return new StoreUnavailableException("too many first uses of imported keys are being verified at once; try again shortly", null);
    }

    /** Queues the row's move to {@code newHash}, pkauth's HMAC of its secret; until it lands, that HMAC verifies it here. */
    private void upgrade(KeyRecord row, String newHash, String scheme) {
        if (pending.putIfAbsent(row.id(), HexFormat.of().parseHex(newHash)) != null) return;
        String fingerprint = hasher.currentFingerprint();
        var audit = audits.record(ACTOR, "upgrade-hash", row.id(), row.userId(), Audits.detail("from", scheme));
        touches.submit("move an imported key to pkauth's hash", () -> {
            try {
                if (repository.upgradeHash(row.id(), row.secretHash(), newHash, fingerprint, audit)) {
                    metrics.hashUpgraded(scheme);
                    audits.announce(audit, null);
                }
                forget.accept(row.id());
            } finally {
                pending.remove(row.id());
            }
        });
    }
}
