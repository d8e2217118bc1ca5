package dev.pkauth.bench;

import dev.pkauth.ApiKeyStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/** Target 5: verify one key from several threads for a while and count the last_used_at writes. */
final class TouchWriteCount {
    private TouchWriteCount() {}

    record Result(long verifications, int writes, Duration load, Duration interval) {}

    static Result run(Duration load, Duration interval, int threads) throws Exception {
        SQLiteDataSource real = new SQLiteDataSource();
        real.setUrl(BenchDatabases.sqliteUrl("touch"));
        AtomicInteger writes = new AtomicInteger();
        DataSource counting = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
                new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    Object r = invoke(real, m, a);
                    if (!(r instanceof Connection c)) return r;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p2, m2, a2) -> {
                                if (m2.getName().equals("prepareStatement") && a2[0] instanceof String sql
                                        && sql.contains("SET last_used_at")) {
                                    writes.incrementAndGet();
                                }
                                return invoke(c, m2, a2);
                            });
                });
        try (ApiKeyStore store = ApiKeyStore.builder().dataSource(counting).pepper(BenchDatabases.PEPPER)
                .touchInterval(interval).build()) {
            String token = store.create("bench", null, List.of(), null).token();
            AtomicLong verifications = new AtomicLong();
            long end = System.nanoTime() + load.toNanos();
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                workers[t] = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        if (store.verify(token).isValid()) verifications.incrementAndGet();
                    }
                });
                workers[t].start();
            }
            for (Thread w : workers) w.join();
            store.flush();
            return new Result(verifications.get(), writes.get(), load, interval);
        }
    }

    private static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
