package dev.pkauth.bench;

import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.KeyQuery;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Operating keys at scale (BENCHMARKS.md): a table of 1,000,000 keys of 10,000 users, created
 * over the past year; half never used, a third used in the last month, the rest used 100 to 200
 * days ago; 10% revoked over 100 days ago; 5% expiring within a week. Prints the query plan of
 * each administrative filter, the time of each first page, then times a sweep of keys unused for
 * 90 days and a purge of rows revoked or expired over 90 days ago, each in batches of 1,000.
 *
 * <pre>java -cp benchmarks/target/pkauth-benchmarks.jar dev.pkauth.bench.OperationsAtScale sqlite|postgresql [rows]</pre>
 */
public final class OperationsAtScale {
    private OperationsAtScale() {}

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "sqlite";
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        String url = backend.equals("postgresql") ? BenchDatabases.postgresUrl() : BenchDatabases.sqliteUrl("ops");
        String table = "ops_keys";
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl(url).table(table).pepper(BenchDatabases.PEPPER)
                .cacheTtl(Duration.ZERO).build()) {
            long now = System.currentTimeMillis() / 1000;
            long t0 = System.nanoTime();
            fill(url, table, rows, now);
            System.out.printf("%s: filled %,d rows in %.1f s%n", backend, rows, seconds(t0));
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("ANALYZE " + (backend.equals("postgresql") ? table : ""));
                // The store's filters, as JdbcKeyRepository.where() writes them, first page newest first.
                String order = " ORDER BY created_at DESC, id DESC LIMIT 101";
                explain(c, backend, "all users", "SELECT * FROM " + table + " WHERE 1 = 1" + order);
                explain(c, backend, "one user", "SELECT * FROM " + table + " WHERE user_id = 'user42'" + order);
                explain(c, backend, "expiring within 7d", "SELECT * FROM " + table
                        + " WHERE revoked_at IS NULL AND expires_at > " + now + " AND expires_at <= " + (now + 7 * 86_400) + order);
                explain(c, backend, "unused for 90d", "SELECT * FROM " + table
                        + " WHERE revoked_at IS NULL AND coalesce(last_used_at, created_at) < " + (now - 90 * 86_400) + order);
                explain(c, backend, "revoked", "SELECT * FROM " + table + " WHERE revoked_at IS NOT NULL" + order);
                explain(c, backend, "sweep batch", "SELECT id FROM " + table
                        + " WHERE revoked_at IS NULL AND coalesce(last_used_at, created_at) < " + (now - 90 * 86_400)
                        + " ORDER BY coalesce(last_used_at, created_at) LIMIT 1000");
            }
            time(store, "query: all users, first page", KeyQuery.allUsers());
            time(store, "query: one user", KeyQuery.allUsers().user("user42"));
            time(store, "query: expiring within 7d", KeyQuery.allUsers().expiringWithin(Duration.ofDays(7)));
            time(store, "query: unused for 90d", KeyQuery.allUsers().unusedFor(Duration.ofDays(90)));
            time(store, "query: revoked", KeyQuery.allUsers().status(ApiKey.Status.REVOKED));

            long t = System.nanoTime();
            long wouldSweep = store.operations().sweepUnused(Duration.ofDays(90), true, null);
            System.out.printf("sweep dry run: %,d keys would be revoked (%.2f s)%n", wouldSweep, seconds(t));
            t = System.nanoTime();
            long[] batches = {0};
            long swept = store.operations().sweepUnused(Duration.ofDays(90), false, total -> batches[0]++);
            System.out.printf("sweep: revoked %,d keys in %,d batches, %.1f s%n", swept, batches[0], seconds(t));
            t = System.nanoTime();
            long wouldPurge = store.operations().purgeEnded(Duration.ofDays(90), true, null);
            System.out.printf("purge dry run: %,d rows would be deleted (%.2f s)%n", wouldPurge, seconds(t));
            t = System.nanoTime();
            batches[0] = 0;
            long purged = store.operations().purgeEnded(Duration.ofDays(90), false, total -> batches[0]++);
            System.out.printf("purge: deleted %,d rows in %,d batches, %.1f s%n", purged, batches[0], seconds(t));
        }
        System.exit(0);
    }

    private static void time(ApiKeyStore store, String what, KeyQuery q) {
        store.operations().query(q); // warm
        long t = System.nanoTime();
        int n = store.operations().query(q).keys().size();
        System.out.printf("%s: %d keys in %.2f ms%n", what, n, (System.nanoTime() - t) / 1e6);
    }

    private static void explain(Connection c, String backend, String what, String sql) throws Exception {
        String prefix = backend.equals("postgresql") ? "EXPLAIN " : "EXPLAIN QUERY PLAN ";
        StringBuilder plan = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(prefix + sql)) {
            while (rs.next()) plan.append("    ").append(rs.getString(backend.equals("postgresql") ? 1 : 4)).append('\n');
        }
        System.out.println("plan, " + what + ":\n" + plan);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void fill(String url, String table, int rows, long now) throws Exception {
        SecureRandom secure = new SecureRandom();
        Random random = new Random(7);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        byte[] id = new byte[24];
        byte[] hash = new byte[32];
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (id, user_id, name, prefix, secret_hash,"
                    + " scopes, expires_at, last_used_at, created_at, revoked_at) VALUES (?, ?, 'filler', ?, ?, 'docs:read', ?, ?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    secure.nextBytes(id);
                    secure.nextBytes(hash);
                    String keyId = "key_" + b64.encodeToString(id);
                    long created = now - 86_400L * 365 + random.nextInt(86_400 * 365);
                    int use = random.nextInt(6);
                    Long lastUsed = use < 3 ? null : use < 5 ? now - random.nextInt(86_400 * 30) : now - 86_400L * (100 + random.nextInt(100));
                    if (lastUsed != null && lastUsed < created) lastUsed = created;
                    ps.setString(1, keyId);
                    ps.setString(2, "user" + (i % 10_000));
                    ps.setString(3, "pk." + keyId.substring(0, 13));
                    ps.setString(4, HexFormat.of().formatHex(hash));
                    int fate = random.nextInt(20);
                    if (fate == 0) ps.setLong(5, now + random.nextInt(86_400 * 7)); else ps.setNull(5, java.sql.Types.BIGINT);
                    if (lastUsed == null) ps.setNull(6, java.sql.Types.BIGINT); else ps.setLong(6, lastUsed);
                    ps.setLong(7, created);
                    if (fate == 1 || fate == 2) ps.setLong(8, now - 86_400L * (100 + random.nextInt(100))); else ps.setNull(8, java.sql.Types.BIGINT);
                    ps.addBatch();
                    if (i % 10_000 == 9_999) ps.executeBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
    }
}
