package dev.pkauth.bench;

import dev.pkauth.KeySpec;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Usage;
import dev.pkauth.UsageLimits;
import dev.pkauth.Verification;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Target 1: a cached verification against the floor, one HMAC-SHA256 of the 43-byte secret.
 * Also the timing of an unknown id against a known id with a wrong secret.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VerifyBenchmark {
    ApiKeyStore store;
    String token;
    String secret;
    String unknownId;
    String wrongSecret;
    /** A key with a rate limit that never triggers here: 2^31 - 1 per second, counted in process. */
    String limitedToken;

    @State(Scope.Thread)
    public static class Hmac {
        Mac mac;

        @Setup
        public void setUp() throws GeneralSecurityException {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(BenchDatabases.PEPPER.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        store = ApiKeyStore.builder().jdbcUrl(BenchDatabases.sqliteUrl("verify")).pepper(BenchDatabases.PEPPER)
                .cacheTtl(Duration.ofHours(1)).build();
        token = store.create("bench", "bench", List.of("docs:read"), null).token();
        secret = token.substring(40);
        // Both with a valid checksum, as an attacker computes it (it is public): the timing compared
        // is an unknown (untagged) id against a known id with a wrong secret, past every early refusal.
        unknownId = dev.pkauth.testing.TestTokens.withChecksum("pk.key_" + "U".repeat(32) + ".",
                java.util.Base64.getUrlDecoder().decode(secret));
        wrongSecret = dev.pkauth.testing.TestTokens.wrongSecret(token);
        if (!store.verify(token).isValid()) throw new IllegalStateException("setup: key does not verify");
        limitedToken = store.create("bench", KeySpec.of("limited", List.of("docs:read")).limits(UsageLimits.NONE
                .withRateLimit(new UsageLimits.RateLimit(Integer.MAX_VALUE, Duration.ofSeconds(1))))).token();
        if (!store.admit(((Verification.Valid) store.verify(limitedToken)).principal()).allowed()) {
            throw new IllegalStateException("setup: limited key not admitted");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public byte[] bareHmac(Hmac h) {
        return h.mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII));
    }

    @Benchmark
    public Verification cachedVerify() {
        return store.verify(token);
    }

    /** What a filter does for a key without limits: verify, then admit (which returns at once). */
    @Benchmark
    public Usage cachedVerifyAndAdmitUnlimited() {
        return store.admit(((Verification.Valid) store.verify(token)).principal());
    }

    /** Verify, then count the request in the key's in-process window. */
    @Benchmark
    public Usage cachedVerifyAndAdmitRateLimited() {
        return store.admit(((Verification.Valid) store.verify(limitedToken)).principal());
    }

    @Benchmark
    public Verification unknownId() {
        return store.verify(unknownId);
    }

    @Benchmark
    public Verification knownIdWrongSecret() {
        return store.verify(wrongSecret);
    }
}
