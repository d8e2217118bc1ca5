package dev.pkauth.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Verification;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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
import org.openjdk.jmh.infra.Blackhole;

/** Target 2: an uncached verification against a bare primary-key select of the same row, on the same pool. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class UncachedVerifyBenchmark {
    @Param({"sqlite", "postgresql"})
    public String backend;

    HikariDataSource pool;
    ApiKeyStore store;
    String token;
    String id;
    String select;
    String unknownId;
    String wrongSecret;

    @Setup(Level.Trial)
    public void setUp() {
        pool = BenchDatabases.pool(backend);
        store = ApiKeyStore.builder().dataSource(pool).pepper(BenchDatabases.PEPPER).cacheTtl(Duration.ZERO).build();
        token = store.create("bench", "bench", List.of("docs:read"), null).token();
        id = token.substring(3, 39);
        unknownId = "pk.key_" + "A".repeat(32) + token.substring(39);
        wrongSecret = token.substring(0, 82) + (token.charAt(82) == 'A' ? 'B' : 'A');
        select = "SELECT id, user_id, name, prefix, secret_hash, scopes, expires_at, last_used_at, created_at, revoked_at"
                + " FROM pkauth_api_keys WHERE id = ?";
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        pool.close();
    }

    @Benchmark
    public void bareSelect(Blackhole bh) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 1; i <= 10; i++) bh.consume(rs.getObject(i));
            }
        }
    }

    @Benchmark
    public Verification uncachedVerify() {
        return store.verify(token);
    }

    /** Timing, uncached: a well-formed id that is in no row (the index probe finds nothing). */
    @Benchmark
    public Verification uncachedUnknownId() {
        return store.verify(unknownId);
    }

    /** Timing, uncached: the row is found and the HMAC compared, and it does not match. */
    @Benchmark
    public Verification uncachedWrongSecret() {
        return store.verify(wrongSecret);
    }
}
