package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Concurrency and crash behaviour of the store on real databases. */
class ReliabilityTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void noVerificationSucceedsAfterRevokeReturnsEvenUnderLoadWithTheCacheOn(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        try (ApiKeyStore store = db.builder().cacheTtl(Duration.ofHours(1)).build()) {
            String token = store.create("alice", null, List.of(), null).token();
            AtomicBoolean revoked = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong before = new AtomicLong();
            AtomicLong after = new AtomicLong();
            AtomicLong violations = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        boolean revokedBeforeStart = revoked.get();
                        boolean valid = store.verify(token).isValid();
                        if (valid && revokedBeforeStart) violations.incrementAndGet();
                        if (valid) before.incrementAndGet();
                        if (revokedBeforeStart) after.incrementAndGet();
                    }
                    return null;
                }));
            }
            // Under load before the revoke, and for as many verifications after it.
            dev.pkauth.testing.Await.until("1,000 verifications before the revoke", Duration.ofSeconds(30),
                    () -> before.get() >= 1_000);
            store.revoke(token.substring(3, 39));
            revoked.set(true);
            dev.pkauth.testing.Await.until("1,000 verifications after the revoke", Duration.ofSeconds(30),
                    () -> after.get() >= 1_000);
            stop.set(true);
            for (Future<?> f : workers) f.get();
            pool.shutdown();
            assertThat(before.get()).as("verifications succeeded before the revoke").isPositive();
            assertThat(violations.get()).as("successes that started after revoke returned").isZero();
            assertThat(after.get()).as("verifications that started after the revoke").isGreaterThanOrEqualTo(1_000);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void parallelCreateRotateAndRevokeOnOneUserLoseAndDuplicateNothing(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        try (ApiKeyStore store = db.builder().maxKeysPerUser(1000).build()) {
            int threads = 8;
            int rounds = 15;
            Set<String> created = ConcurrentHashMap.newKeySet();
            Set<String> revoked = ConcurrentHashMap.newKeySet();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        IssuedKey k = store.create("shared", "k", List.of("s"), null);
                        created.add(k.key().id());
                        IssuedKey successor = store.rotate(k.key().id(), Duration.ZERO).orElseThrow();
                        created.add(successor.key().id());
                        revoked.add(k.key().id());
                        if (i % 3 == 0 && store.revoke(successor.key().id())) revoked.add(successor.key().id());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get();
            pool.shutdown();

            List<ApiKey> all = store.list("shared", true);
            Set<String> listed = new HashSet<>();
            for (ApiKey k : all) listed.add(k.id());
            assertThat(all).hasSize(threads * rounds * 2);
            assertThat(listed).as("no duplicates, none lost").isEqualTo(created);
            assertThat(store.list("shared")).extracting(ApiKey::id)
                    .containsExactlyInAnyOrderElementsOf(created.stream().filter(id -> !revoked.contains(id)).toList());
            for (int i = 1; i < all.size(); i++) {
                assertThat(all.get(i - 1).createdAt()).isAfterOrEqualTo(all.get(i).createdAt());
            }
        }
    }

    @Test
    void aProcessKilledMidBurstLeavesADatabaseWithEveryKeyWhoseCreateReturned() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("burst.db");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CreateBurst.class.getName(), url)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> returned = new ArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
        String line;
        while ((line = out.readLine()) != null) {
            if (!line.startsWith("pk.key_")) continue; // the child's log lines share stdout
            returned.add(line);
            if (returned.size() == 300) child.toHandle().destroyForcibly(); // SIGKILL mid-burst; keeps the pipe open
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed, not finished").isEqualTo(137);

        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl(url).pepper("burst").build();
             Connection c = java.sql.DriverManager.getConnection(url);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("ok");
            for (String token : returned) assertThat(store.verify(token).isValid()).as(token.substring(0, 16)).isTrue();
            assertThat(returned.size()).isGreaterThanOrEqualTo(300);
        }
    }

    /** Child process of the crash test: creates keys until killed, printing each token once its create returned. */
    public static final class CreateBurst {
        public static void main(String[] args) {
            try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl(args[0]).pepper("burst")
                    .maxKeysPerUser(Integer.MAX_VALUE).build()) {
                for (int i = 0; ; i++) {
                    System.out.println(store.create("burst", "k" + i, List.of(), null).token());
                    System.out.flush();
                }
            }
        }
    }

    @Test
    void theTouchWriterRidesOutDatabaseErrorsWithoutFailingRequests() throws Exception {
        // PostgreSQL: SQLite's data_version watch would (rightly) drop the cache when the table moves.
        TestDatabase db = TestDatabase.create(Backend.POSTGRESQL, dir);
        dev.pkauth.testing.MutableClock clock = dev.pkauth.testing.MutableClock.startingAt("2026-01-01T00:00:00Z");
        try (ApiKeyStore store = db.builder().cacheTtl(Duration.ofHours(1)).clock(clock).executor(Runnable::run).build()) {
            IssuedKey k = store.create("alice", null, List.of(), null);
            assertThat(store.verify(k.token()).isValid()).isTrue(); // cached, touched
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + db.table() + " RENAME TO " + db.table() + "_away");
            }
            clock.advance(Duration.ofMinutes(2));
            assertThat(store.verify(k.token()).isValid()).as("served from cache; the failed touch is not the request's").isTrue();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + db.table() + "_away RENAME TO " + db.table());
            }
            clock.advance(Duration.ofMinutes(2));
            assertThat(store.verify(k.token()).isValid()).isTrue();
            store.flush();
            assertThat(store.find(k.key().id()).orElseThrow().lastUsedAt()).isEqualTo(clock.instant());
        }
    }
}
