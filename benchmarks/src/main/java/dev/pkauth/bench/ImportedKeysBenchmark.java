package dev.pkauth.bench;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ImportedKey;
import dev.pkauth.KeySpec;
import dev.pkauth.Verification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;
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
 * Imported keys (#24): what a foreign hash costs on its first use (Argon2id at OWASP's minimum,
 * bcrypt cost 10), what an imported key costs once upgraded (against a key pkauth minted, in
 * the same store), a legacy token found by its SHA-256, and a flood of unknown ids while
 * imported rows without id tags exist (each is then looked up) against a table of tagged keys
 * only (refused unseen). Cache on, SQLite.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ImportedKeysBenchmark {
    static final SecureRandom RANDOM = new SecureRandom();
    static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    ApiKeyStore store;
    /** A store whose table holds only keys pkauth minted (tagged ids). */
    ApiKeyStore taggedOnly;
    String nativeToken;
    String upgradedToken;
    String legacyToken;
    String argonWrongSecret;
    final AtomicLong counter = new AtomicLong();

    /** A pkauth-shaped token of an id no tag key made: what Pylon's and imported keys look like. */
    static String[] untaggedToken() {
        byte[] id = new byte[24];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String keyId = "key_" + URL.encodeToString(id);
        return new String[] {keyId, "pk." + keyId + "." + URL.encodeToString(secret)};
    }

    static String argon2id(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(19456).withIterations(2).withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        g.generateBytes(secret.getBytes(StandardCharsets.US_ASCII), out);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=19456,t=2,p=1$" + b64.encodeToString(salt) + "$" + b64.encodeToString(out);
    }

    static String bcrypt10(String secret) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2b", secret.toCharArray(), salt, 10);
    }

    ImportedKey imported(String[] token, String hash) {
        return new ImportedKey("bench-" + counter.incrementAndGet(), "bench", hash, token[0], null, KeySpec.of("imported", List.of()),
                null, true);
    }

    static String secretOf(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    static Verification valid(ApiKeyStore s, String token) {
        Verification v = s.verify(token);
        if (!v.isValid()) throw new IllegalStateException("setup: " + v);
        return v;
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        store = ApiKeyStore.builder().jdbcUrl(BenchDatabases.sqliteUrl("imported")).pepper(BenchDatabases.PEPPER)
                .cacheTtl(Duration.ofHours(1)).legacyTokens("bench_*").executor(Runnable::run).build();
        taggedOnly = ApiKeyStore.builder().jdbcUrl(BenchDatabases.sqliteUrl("tagged-only")).pepper(BenchDatabases.PEPPER)
                .cacheTtl(Duration.ofHours(1)).build();
        nativeToken = store.create("bench", "native", List.of(), null).token();
        taggedOnly.create("bench", "native", List.of(), null);
        String[] upgraded = untaggedToken();
        String[] argon = untaggedToken();
        legacyToken = "bench_" + URL.encodeToString(new byte[48]).replace('A', 'x') + counter.incrementAndGet();
        String legacyHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(legacyToken.getBytes(StandardCharsets.UTF_8)));
        store.operations().importKeys("bench", List.of(imported(upgraded, bcrypt10(secretOf(upgraded[1]))),
                imported(argon, argon2id(secretOf(argon[1]))),
                new ImportedKey("legacy", "bench", legacyHash, null, null, KeySpec.of("legacy", List.of()), null, true)), false, null);
        upgradedToken = upgraded[1];
        valid(store, upgradedToken); // the first use: upgraded now (the writer runs inline here)
        valid(store, legacyToken);
        valid(store, nativeToken);
        argonWrongSecret = argon[1].substring(0, argon[1].length() - 1) + (argon[1].endsWith("A") ? "B" : "A");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        taggedOnly.close();
    }

    /** A fresh imported key per invocation, its hash made before the measurement. */
    @State(Scope.Thread)
    public static class Fresh {
        String argonToken;
        String bcryptToken;

        @Setup(Level.Invocation)
        public void importOne(ImportedKeysBenchmark b) {
            String[] a = untaggedToken();
            String[] c = untaggedToken();
            b.store.operations().importKeys("bench", List.of(b.imported(a, argon2id(secretOf(a[1]))),
                    b.imported(c, bcrypt10(secretOf(c[1])))), false, null);
            argonToken = a[1];
            bcryptToken = c[1];
        }
    }

    /** First use of an Argon2id row (19 MiB, 2 passes): the slow hash, then the HMAC and the queued upgrade. */
    @Benchmark
    public Verification firstUseArgon2id(Fresh f) {
        return store.verify(f.argonToken);
    }

    /** First use of a bcrypt cost-10 row. */
    @Benchmark
    public Verification firstUseBcrypt10(Fresh f) {
        return store.verify(f.bcryptToken);
    }

    /** A wrong secret at a known Argon2id row (not upgraded): what each guess at a known id costs. */
    @Benchmark
    public Verification argon2idRowWrongSecret() {
        return store.verify(argonWrongSecret);
    }

    /** A key pkauth minted, cached: the fast path, for comparison in the same store. */
    @Benchmark
    public Verification nativeKeyCached() {
        return store.verify(nativeToken);
    }

    /** An imported bcrypt key after its upgrade, cached: should cost what a native key costs. */
    @Benchmark
    public Verification importedKeyUpgradedCached() {
        return store.verify(upgradedToken);
    }

    /** A legacy token (no id) after its upgrade: SHA-256 to its id, then the cached row. */
    @Benchmark
    public Verification legacyTokenUpgraded() {
        return store.verify(legacyToken);
    }

    /** A new unknown id of Pylon's shape per call, with untagged (imported) rows in the table: each is looked up. */
    @Benchmark
    public Verification unknownIdWhileImportedRowsExist() {
        return store.verify(untaggedToken()[1]);
    }

    /** The same flood against a table of keys pkauth minted only: refused by the missing tag, no lookup. */
    @Benchmark
    public Verification unknownIdTaggedTableOnly() {
        return taggedOnly.verify(untaggedToken()[1]);
    }
}
