package dev.pkauth.internal.leaks;

import dev.pkauth.internal.text.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scanner's published signing keys (GitHub's {@code /meta/public_keys/secret_scanning} shape:
 * {@code {"public_keys":[{"key_identifier":…,"key":"-----BEGIN PUBLIC KEY-----…","is_current":…}]}}),
 * and the check of a report's signature against them.
 *
 * <p>Fetched on first need and kept for {@link #TTL}; fetched again early when a report names an
 * identifier the set lacks (a key rotation), at most {@link #UNKNOWN_REFETCHES} times a minute
 * whatever the identifiers; one fetch at a time however many reports wait on it; after a failed
 * fetch, not again for {@link #RETRY_AFTER_FAILURE}, the last good set staying in use. So no
 * flood of reports, made-up identifiers included, costs more than a handful of fetches a minute.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    /** How long a fetched set is used before it is fetched again. */
    public static final Duration TTL = Duration.ofHours(1);
    /** Most fetches a minute caused by identifiers the set lacks. */
    public static final int UNKNOWN_REFETCHES = 5;
    /** After a failed fetch, the least time before the next. */
    public static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(10);
    /** How long one fetch may take. */
    public static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_KEYS_BODY = 256 * 1024;

    private final URI url;
    private final HttpClient client;
    private final Clock clock;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Map<String, PublicKey> keys = Map.of();
    /** When the current set was fetched; 0 before any success. */
    private volatile long fetchedAt;
    /** When a fetch was last tried, successful or not. */
    private volatile long triedAt;
    private volatile boolean everFetched;
    /** Fetches tried so far: what a waiting thread compares to know that one happened meanwhile (times may be equal). */
    private volatile long attempts;
    /** When the last {@link #UNKNOWN_REFETCHES} fetches for unknown identifiers began (a ring, guarded by {@link #fetching}). */
    private final long[] unknownRefetches = new long[UNKNOWN_REFETCHES];
    private int nextRefetch;
    private volatile boolean lastFailed;

    public SigningKeys(URI url, HttpClient client, Clock clock) {
        this.url = url;
        this.client = client;
        this.clock = clock;
    }

    /** What a signature check found. */
    public enum Check {
        VALID, INVALID,
        /** No key set could be had (never fetched, and the key server does not answer): nothing can be checked. */
        NO_KEYS
    }

    /**
     * Whether {@code signature} (base64 of an ASN.1 DER ECDSA signature) is by the key named
     * {@code identifier}, over exactly {@code body}.
     */
    public Check check(@Nullable String identifier, @Nullable String signature, byte[] body) {
        if (identifier == null || signature == null || identifier.isBlank() || signature.isBlank()) return Check.INVALID;
        long now = clock.millis();
        // Read before the set: a fetch another thread completes after this point is seen as done.
        long seen = attempts;
        boolean stale = !everFetched || now - fetchedAt > TTL.toMillis();
        if (stale && (!lastFailed || now - triedAt >= RETRY_AFTER_FAILURE.toMillis())) {
            refresh(seen, false);
            seen = attempts;
        }
        PublicKey key = keys.get(identifier);
        if (key == null && everFetched) {
            refresh(seen, true);
            key = keys.get(identifier);
        }
        if (key == null) return everFetched ? Check.INVALID : Check.NO_KEYS;
        byte[] der;
        try {
            der = Base64.getDecoder().decode(signature.trim());
        } catch (IllegalArgumentException e) {
            return Check.INVALID;
        }
        try {
            Signature verifier = Signature.getInstance(key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(body);
            return verifier.verify(der) ? Check.VALID : Check.INVALID;
        } catch (GeneralSecurityException | RuntimeException e) {
            return Check.INVALID;
        }
    }

    /**
     * Fetches the set unless a fetch was tried since {@code seen} (another thread's, while this one
     * looked or waited for the lock: concurrent reports share one fetch), or
     * (for an unknown identifier) this minute's fetches for unknown identifiers are spent.
     */
    private void refresh(long seen, boolean forUnknownIdentifier) {
        fetching.lock();
        try {
            if (attempts != seen) return; // another thread fetched while this one looked or waited
            long now = clock.millis();
            if (forUnknownIdentifier) {
                if (now - unknownRefetches[nextRefetch] < 60_000 && unknownRefetches[nextRefetch] != 0) return;
                unknownRefetches[nextRefetch] = now;
                nextRefetch = (nextRefetch + 1) % UNKNOWN_REFETCHES;
            }
            triedAt = now;
            try {
                Map<String, PublicKey> fetched = fetch();
                lastFailed = fetched == null;
                if (fetched != null) {
                    keys = fetched;
                    fetchedAt = clock.millis();
                    everFetched = true;
                }
            } finally {
                // Counted once done, after the set: a thread that reads the new count reads the new set.
                attempts++;
            }
        } finally {
            fetching.unlock();
        }
    }

    private @Nullable Map<String, PublicKey> fetch() {
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(FETCH_TIMEOUT).header("Accept", "application/json").GET().build();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                log.warn("pkauth: fetching the leak reporter's signing keys from {} answered {}; {}", url, response.statusCode(),
                        everFetched ? "keeping the last good set" : "reports cannot be checked until it answers");
                return null;
            }
            if (response.body().length > MAX_KEYS_BODY) throw new IllegalArgumentException("the key set is over 256 KiB");
            return parse(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("pkauth: fetching the leak reporter's signing keys from {} failed ({}); {}", url, e.toString(),
                    everFetched ? "keeping the last good set" : "reports cannot be checked until it answers");
            return null;
        }
    }

    /** The keys of a published set, by identifier; keys that do not parse are left out. */
    static Map<String, PublicKey> parse(String json) {
        if (!(Json.parse(json) instanceof Map<?, ?> root) || !(root.get("public_keys") instanceof List<?> list)) {
            throw new IllegalArgumentException("not a public key set (expected {\"public_keys\":[…]})");
        }
        Map<String, PublicKey> out = new HashMap<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("key_identifier") instanceof String id)
                    || !(entry.get("key") instanceof String pem)) continue;
            PublicKey key = publicKey(pem);
            if (key != null) out.put(id, key);
        }
        return Map.copyOf(out);
    }

    private static @Nullable PublicKey publicKey(String pem) {
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            for (String algorithm : new String[] {"EC", "RSA"}) {
                try {
                    return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
        } catch (IllegalArgumentException e) {
            log.debug("pkauth: a signing key that is not base64 was left out");
        }
        return null;
    }
}
