package dev.pkauth.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Target 6: what many use instead of an HMAC, verifying the same 43-character secret:
 * bcrypt at cost 10 and Argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PasswordHasherBenchmark {
    static final String SECRET = "DNh0hRq_9hjTEHBXfvvj9XfbgqN0qf2HCRQfVhxg4Rw";
    byte[] bcryptHash;
    Argon2Parameters argon2;
    byte[] argon2Hash;

    @Setup(Level.Trial)
    public void setUp() {
        bcryptHash = BCrypt.withDefaults().hash(10, SECRET.toCharArray()).clone();
        argon2 = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withMemoryAsKB(19 * 1024).withIterations(2)
                .withParallelism(1).withSalt("0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).build();
        argon2Hash = argon2(SECRET);
    }

    byte[] argon2(String secret) {
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(argon2);
        byte[] out = new byte[32];
        g.generateBytes(secret.getBytes(StandardCharsets.US_ASCII), out);
        return out;
    }

    @Benchmark
    public boolean bcryptCost10() {
        return BCrypt.verifyer().verify(SECRET.toCharArray(), bcryptHash).verified;
    }

    @Benchmark
    public boolean argon2id() {
        return MessageDigest.isEqual(argon2(SECRET), argon2Hash);
    }
}
