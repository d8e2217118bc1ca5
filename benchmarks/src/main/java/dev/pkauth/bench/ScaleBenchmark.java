package dev.pkauth.bench;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.Verification;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Target 4: an uncached verification on SQLite with 1,000 keys against 1,000,000 keys. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScaleBenchmark {
    @Param({"1000", "1000000"})
    public int keys;

    ApiKeyStore store;
    String token;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        String url = BenchDatabases.sqliteUrl("scale-" + keys);
        store = ApiKeyStore.builder().jdbcUrl(url).pepper(BenchDatabases.PEPPER).cacheTtl(Duration.ZERO).build();
        fill(url, keys - 1);
        token = store.create("bench", "bench", List.of(), null).token();
    }

    /** Rows shaped like real ones (random ids and hashes), in one transaction. */
    static void fill(String url, int rows) throws SQLException {
        SecureRandom random = new SecureRandom();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        byte[] id = new byte[24];
        byte[] hash = new byte[32];
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO pkauth_api_keys (id, user_id, name, prefix, secret_hash,"
                    + " scopes, created_at) VALUES (?, ?, 'filler', ?, ?, 'docs:read', 1700000000)")) {
                for (int i = 0; i < rows; i++) {
                    random.nextBytes(id);
                    random.nextBytes(hash);
                    String keyId = "key_" + b64.encodeToString(id);
                    ps.setString(1, keyId);
                    ps.setString(2, "user" + (i % 10_000));
                    ps.setString(3, "pk." + keyId.substring(0, 13));
                    ps.setString(4, HexFormat.of().formatHex(hash));
                    ps.addBatch();
                    if (i % 10_000 == 9_999) ps.executeBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Verification uncachedVerify() {
        return store.verify(token);
    }
}
