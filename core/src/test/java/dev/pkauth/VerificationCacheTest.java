package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.MutableClock;
import dev.pkauth.testing.TestDatabase;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

class VerificationCacheTest {
    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");

    /** A real SQLite data source that counts key lookups (SELECT … WHERE id = ?). */
    static final class CountingSqlite {
        final AtomicInteger lookups = new AtomicInteger();
        final DataSource dataSource;

        CountingSqlite(Path file) {
            SQLiteDataSource real = new SQLiteDataSource();
            real.setUrl("jdbc:sqlite:" + file);
            dataSource = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                    (proxy, method, args) -> {
                        Object result = method.invoke(real, args);
                        if (!(result instanceof Connection c)) return result;
                        return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("prepareStatement") && a[0] instanceof String sql
                                            && sql.startsWith("SELECT") && sql.endsWith("WHERE id = ?")) {
                                        lookups.incrementAndGet();
                                    }
                                    try {
                                        return m.invoke(c, a);
                                    } catch (java.lang.reflect.InvocationTargetException e) {
                                        throw e.getCause();
                                    }
                                });
                    });
        }
    }

    ApiKeyStoreBuilder counted(CountingSqlite db) {
        return ApiKeyStore.builder().dataSource(db.dataSource).pepper("p").clock(clock).executor(Runnable::run);
    }

    @Test
    void aRevokedKeyFailsAtOnceEvenWhenCached() {
        CountingSqlite db = new CountingSqlite(dir.resolve("k.db"));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey k = store.create("alice", null, List.of(), null);
            assertThat(store.verify(k.token()).isValid()).isTrue();
            assertThat(store.verify(k.token()).isValid()).isTrue();
            assertThat(db.lookups).as("second verify served from cache").hasValue(1);

            store.revoke(k.key().id());

            assertThat(store.verify(k.token()).isValid()).isFalse();
        }
    }

    @Test
    void purgeRefreshAndRotateAlsoInvalidate() {
        CountingSqlite db = new CountingSqlite(dir.resolve("k.db"));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey a = store.create("alice", null, List.of(), null);
            IssuedKey b = store.create("alice", null, List.of(), clock.instant().plus(Duration.ofDays(1)));
            IssuedKey c = store.create("alice", null, List.of(), null);
            for (IssuedKey k : List.of(a, b, c)) assertThat(store.verify(k.token()).isValid()).isTrue();

            store.operations().purge(a.key().id());
            store.refresh(b.key().id(), clock.instant().plus(Duration.ofDays(30)));
            store.rotate(c.key().id(), Duration.ZERO);
            clock.advance(Duration.ofDays(2));

            assertThat(((Verification.Invalid) store.verify(a.token())).reason()).isEqualTo(Verification.Reason.NOT_FOUND);
            assertThat(store.verify(b.token()).isValid()).as("refreshed expiry seen").isTrue();
            assertThat(((Verification.Invalid) store.verify(c.token())).reason()).isEqualTo(Verification.Reason.REVOKED);
        }
    }

    @Test
    void aCachedKeyStillExpiresOnTime() {
        CountingSqlite db = new CountingSqlite(dir.resolve("k.db"));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey k = store.create("alice", null, List.of(), clock.instant().plusSeconds(30));
            assertThat(store.verify(k.token()).isValid()).isTrue();
            clock.advance(Duration.ofSeconds(30));
            assertThat(((Verification.Invalid) store.verify(k.token())).reason()).isEqualTo(Verification.Reason.EXPIRED);
            assertThat(db.lookups).as("rejected from the cached row").hasValue(1);
        }
    }

    @Test
    void entriesLiveTheirTtlAfterWriteNotAfterAccess() {
        CountingSqlite db = new CountingSqlite(dir.resolve("k.db"));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ofSeconds(10)).build()) {
            IssuedKey k = store.create("alice", null, List.of(), null);
            for (int i = 0; i < 5; i++) {
                store.verify(k.token());
                clock.advance(Duration.ofSeconds(3));
            }
            assertThat(db.lookups).as("reloaded after 10 s despite reads every 3 s").hasValue(2);
        }
    }

    @Test
    void concurrentMissesForOneIdMakeOneQuery() throws Exception {
        CountingSqlite db = new CountingSqlite(dir.resolve("k.db"));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey k = store.create("alice", null, List.of(), null);
            int threads = 16;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return store.verify(k.token()).isValid();
                }));
            }
            start.countDown();
            for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
            pool.shutdown();
            assertThat(db.lookups).hasValue(1);
        }
    }

    @Test
    void unknownIdsAreRememberedBriefly() throws Exception {
        // Unknown ids are looked up only on a table with untagged keys (otherwise refused by their tag).
        CountingSqlite db = FailedAuthFloodTest.withUntaggedKey(new CountingSqlite(dir.resolve("k.db")));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ofHours(1)).build()) {
            String unknown = "pk.key_" + "U".repeat(32) + "." + "s".repeat(43);
            for (int i = 0; i < 100; i++) store.verify(unknown);
            assertThat(db.lookups).hasValue(1);
            clock.advance(Duration.ofSeconds(2));
            store.verify(unknown);
            assertThat(db.lookups).as("negative entries live 2 s").hasValue(2);
        }
    }

    @Test
    void aZeroTtlTurnsTheCacheOff() {
        CountingSqlite db = new CountingSqlite(dir.resolve("k.db"));
        try (ApiKeyStore store = counted(db).cacheTtl(Duration.ZERO).build()) {
            IssuedKey k = store.create("alice", null, List.of(), null);
            store.verify(k.token());
            store.verify(k.token());
            assertThat(db.lookups).hasValue(2);
            assertThat(store.toString()).contains("no cache");
        }
    }

    @Test
    void storesOfOneProcessOnOneTableShareInvalidations() {
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        try (ApiKeyStore a = ApiKeyStore.builder().jdbcUrl(url).pepper("p").cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore b = ApiKeyStore.builder().jdbcUrl(url).pepper("p").cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey k = a.create("alice", null, List.of(), null);
            assertThat(b.verify(k.token()).isValid()).isTrue();
            a.revoke(k.key().id());
            assertThat(b.verify(k.token()).isValid()).as("b's cache dropped before revoke returned").isFalse();
        }
    }

    @Test
    void anotherSqliteProcessesRevocationArrivesThroughTheDataVersion() throws Exception {
        // Two spellings of one file: the stores do not share a cache group, as two processes would not.
        String url = "jdbc:sqlite:" + dir.resolve("shared.db");
        String otherSpelling = "jdbc:sqlite:" + dir.resolve(".").resolve("shared.db");
        try (ApiKeyStore app = ApiKeyStore.builder().jdbcUrl(url).pepper("p").cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore cli = ApiKeyStore.builder().jdbcUrl(otherSpelling).pepper("p").cacheTtl(Duration.ZERO).build()) {
            IssuedKey k = cli.create("alice", null, List.of(), null);
            assertThat(app.verify(k.token()).isValid()).isTrue();
            cli.revoke(k.key().id());
            assertThat(awaitInvalid(app, k.token())).as("ms until the app saw it").isLessThan(5_000);
        }
    }

    @Test
    void anotherPostgresProcessesRevocationArrivesByNotification() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        String otherSpelling = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=second";
        try (ApiKeyStore first = db.builder().cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore second = pgBuilder(db, otherSpelling).cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey k = first.create("alice", null, List.of(), null);
            assertThat(second.verify(k.token()).isValid()).isTrue();

            first.revoke(k.key().id());

            assertThat(awaitInvalid(second, k.token())).as("ms until the second store saw it").isLessThan(5_000);
        }
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        String otherSpelling = db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=listener";
        try (ApiKeyStore first = db.builder().cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore second = pgBuilder(db, otherSpelling).cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey k = first.create("alice", null, List.of(), null);
            List<Integer> killed = new ArrayList<>();
            try (Connection c = db.connect(); var s = c.createStatement();
                 var rs = s.executeQuery("SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN \"pkauth_"
                        + db.table().toLowerCase() + "\"%'")) {
                while (rs.next()) killed.add(rs.getInt(1));
            }
            assertThat(killed).as("both stores' listeners").hasSize(2);
            awaitListeners(db, 2, killed); // each reconnects after its backoff
            assertThat(second.verify(k.token()).isValid()).isTrue();

            first.revoke(k.key().id());

            assertThat(awaitInvalid(second, k.token())).isLessThan(5_000);
        }
    }

    /** Waits until {@code n} sessions other than {@code notThese} LISTEN on the table's channel. */
    static void awaitListeners(TestDatabase db, int n, List<Integer> notThese) throws Exception {
        try (Connection c = db.connect(); var ps = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE ? AND pid <> pg_backend_pid()"
                        + " AND NOT (pid = ANY (?))")) {
            ps.setString(1, "LISTEN \"pkauth_" + db.table().toLowerCase() + "\"%");
            ps.setArray(2, c.createArrayOf("integer", notThese.toArray()));
            dev.pkauth.testing.Await.until(n + " listeners back", java.time.Duration.ofSeconds(10), () -> {
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) >= n;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    static ApiKeyStoreBuilder pgBuilder(TestDatabase db, String url) {
        ApiKeyStoreBuilder b = ApiKeyStore.builder().jdbcUrl(url).table(db.table()).pepper(db.pepper());
        if (db.user() != null) b.credentials(db.user(), db.password());
        return b;
    }

    /** Milliseconds until {@code token} stops verifying; fails the test after 5 s. */
    static long awaitInvalid(ApiKeyStore store, String token) {
        long ms = dev.pkauth.testing.Await.until("the key stops verifying", java.time.Duration.ofSeconds(5),
                () -> !store.verify(token).isValid());
        org.slf4j.LoggerFactory.getLogger(VerificationCacheTest.class).info("revocation seen after {} ms", ms);
        return ms;
    }

}
