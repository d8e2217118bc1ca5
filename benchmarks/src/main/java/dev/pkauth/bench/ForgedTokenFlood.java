package dev.pkauth.bench;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.Settings;
import dev.pkauth.Verification;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The leak-proof format's flood figure: 100,000 forged well-formed tokens (random ids, a real
 * key's secret) from 1,000 client addresses, on SQLite and PostgreSQL, counting the database
 * lookups at the JDBC layer. Three tables: one holding an untagged key (Pylon's, an older
 * pkauth's: every guessed id must be looked up, so only the failed-authentication budget rations
 * them), the same with the budget off, and one whose keys are all tagged.
 *
 * <pre>java -cp benchmarks/target/pkauth-benchmarks.jar dev.pkauth.bench.ForgedTokenFlood</pre>
 */
public final class ForgedTokenFlood {
    static final int TOKENS = 100_000;
    static final int ADDRESSES = 1_000;

    private ForgedTokenFlood() {}

    public static void main(String[] args) throws Exception {
        System.out.println("| backend | table | failed-auth budget | lookups for 100,000 forged tokens | refused | time |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (String backend : List.of("sqlite", "postgresql")) {
            run(backend, true, true);
            run(backend, true, false);
            run(backend, false, true);
        }
        System.exit(0);
    }

    static void run(String backend, boolean untaggedKey, boolean budget) throws Exception {
        try (com.zaxxer.hikari.HikariDataSource pool = BenchDatabases.pool(backend)) {
            AtomicInteger lookups = new AtomicInteger();
            DataSource counting = counting(pool, lookups);
            String table = "flood_" + (untaggedKey ? "old" : "new") + (budget ? "" : "_nobudget") + "_" + System.nanoTime();
            Settings settings = Settings.of(budget ? Map.of() : Map.of(Settings.FAILED_AUTH_LIMIT, "off"));
            try (ApiKeyStore store = ApiKeyStore.builder().dataSource(counting).table(table).pepper(BenchDatabases.PEPPER)
                    .settings(settings).build()) {
                IssuedKey legit = store.create("bench", null, List.of(), null);
                if (untaggedKey) {
                    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                        s.execute("INSERT INTO " + table + " (id, user_id, secret_hash, created_at) VALUES ('key_"
                                + "O".repeat(32) + "', 'old', '" + "0".repeat(64) + "', 1700000000)");
                    }
                }
            }
            // Reopened, as an instance starting on that table would be.
            try (ApiKeyStore store = ApiKeyStore.builder().dataSource(counting).table(table).pepper(BenchDatabases.PEPPER)
                    .settings(settings).build()) {
                Random random = new Random(42);
                String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
                String secret = store.create("bench2", null, List.of(), null).token().substring(40);
                int before = lookups.get();
                int refused = 0;
                long started = System.nanoTime();
                for (int i = 0; i < TOKENS; i++) {
                    StringBuilder id = new StringBuilder(32);
                    for (int c = 0; c < 32; c++) id.append(alphabet.charAt(random.nextInt(64)));
                    int a = i % ADDRESSES;
                    Verification v = store.verify("pk.key_" + id + "." + secret, "198.18." + (a >> 8) + "." + (a & 0xff));
                    if (!v.isValid()) refused++;
                }
                long ms = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("| %s | %s | %s | %,d | %,d | %,d ms |%n", backend,
                        untaggedKey ? "holds an untagged key" : "every key tagged", budget ? "20/1m (default)" : "off",
                        lookups.get() - before, refused, ms);
            }
        }
    }

    static DataSource counting(DataSource real, AtomicInteger lookups) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, a) -> {
                    Object r = invoke(real, m, a);
                    if (!(r instanceof Connection c)) return r;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p2, m2, a2) -> {
                                if (m2.getName().equals("prepareStatement") && a2[0] instanceof String sql
                                        && sql.startsWith("SELECT") && sql.endsWith("WHERE id = ?")) {
                                    lookups.incrementAndGet();
                                }
                                return invoke(c, m2, a2);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
