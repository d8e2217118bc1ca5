package dev.pkauth.bench;

import dev.pkauth.ApiKeyStore;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Security review finding 4: the cache hit rate of an app verifying 100 keys round-robin for 5 s
 * while another process commits a last_used_at write every 100 ms (SQLite). Uses only API that
 * earlier versions have, so it runs against them too (see BENCHMARKS.md). Database lookups are
 * counted at the JDBC layer.
 */
public final class CacheHitRate {
    private CacheHitRate() {}

    public static void main(String[] args) throws Exception {
        Path file = Files.createTempDirectory("hitrate").resolve("keys.db");
        AtomicLong lookups = new AtomicLong();
        SQLiteDataSource real = new SQLiteDataSource();
        real.setUrl("jdbc:sqlite:" + file);
        real.setJournalMode("WAL");
        DataSource counting = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (p, m, a) -> {
                    Object r = m.invoke(real, a);
                    if (!(r instanceof Connection c)) return r;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (p2, m2, a2) -> {
                        if (m2.getName().equals("prepareStatement") && a2[0] instanceof String sql && sql.startsWith("SELECT")
                                && sql.endsWith("WHERE id = ?")) lookups.incrementAndGet();
                        try {
                            return m2.invoke(c, a2);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
                });
        try (ApiKeyStore app = ApiKeyStore.builder().dataSource(counting).pepper("p").build();
             ApiKeyStore other = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + file).pepper("p").cacheTtl(Duration.ZERO)
                     .touchInterval(Duration.ZERO).build()) {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 100; i++) tokens.add(app.create("u" + i, null, List.of(), null).token());
            String otherToken = other.create("other", null, List.of(), null).token();
            for (String t : tokens) app.verify(t);
            Thread.sleep(1000); // let the first touch batch and its invalidation pass
            lookups.set(0);
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    other.verify(otherToken);
                    other.flush();
                    try { Thread.sleep(100); } catch (InterruptedException e) { return; }
                }
            });
            writer.start();
            long verifications = 0;
            long end = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < end) {
                for (String t : tokens) {
                    if (!app.verify(t).isValid()) throw new IllegalStateException("invalid");
                    verifications++;
                }
            }
            stop.set(true);
            writer.join();
            System.out.printf("%,d verifications of 100 keys in 5 s with another process writing last_used_at every 100 ms:"
                    + " %,d database lookups, hit rate %.4f%%%n", verifications, lookups.get(),
                    100.0 * (verifications - lookups.get()) / verifications);
        }
    }
}
