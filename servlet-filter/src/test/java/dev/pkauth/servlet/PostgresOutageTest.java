package dev.pkauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.DispatcherType;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped under HTTP load and started again on the same data directory: every answer
 * meanwhile is 200 or 503 (never 401, never 500), and 200s come back without restarting the app.
 */
class PostgresOutageTest {
    @TempDir
    Path dir;

    @Test
    void requestsGet503WhileTheDatabaseIsDownAndRecoverWithoutARestart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres pg = start(data, port);
        Server server = null;
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:postgresql://localhost:" + port + "/postgres")
                .credentials("postgres", null).pepper("outage").cacheTtl(Duration.ZERO).build()) {
            String token = store.create("alice", null, List.of(), null).token();
            ServletContextHandler context = new ServletContextHandler();
            context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new WhoamiServlet()), "/*");
            server = JettyServers.start(context);
            URI uri = JettyServers.uri(server).resolve("/whoami");

            Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
            // What the workers saw that the test must fail on: asserted on this thread, never swallowed.
            List<String> faults = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            AtomicLong lastOkNanos = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            HttpClient http = HttpClient.newHttpClient();
            Thread[] load = new Thread[4];
            for (int t = 0; t < load.length; t++) {
                load[t] = new Thread(() -> {
                    while (!stop.get()) {
                        HttpResponse<String> r;
                        try {
                            r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                        } catch (Exception e) {
                            faults.add("request failed: " + e);
                            continue;
                        }
                        statuses.computeIfAbsent(r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                        if (r.statusCode() == 200) lastOkNanos.set(System.nanoTime());
                        if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isEmpty()) {
                            faults.add("503 without Retry-After");
                        }
                    }
                });
                load[t].start();
            }
            dev.pkauth.testing.Await.until("200s under load", Duration.ofSeconds(30), () -> count(statuses, 200) >= 20);
            pg.close();
            long okBefore = count(statuses, 200);
            dev.pkauth.testing.Await.until("503s while the database is down", Duration.ofSeconds(30),
                    () -> count(statuses, 503) >= 20);
            long down503 = count(statuses, 503);
            long restarted = System.nanoTime();
            pg = start(data, port);
            long recovered = dev.pkauth.testing.Await.until("a 200 after the database returned", Duration.ofSeconds(30),
                    () -> lastOkNanos.get() > restarted);
            dev.pkauth.testing.Await.until("more 200s after the return", Duration.ofSeconds(30),
                    () -> count(statuses, 200) >= okBefore + 20);
            stop.set(true);
            for (Thread t : load) t.join();

            LoggerFactory.getLogger(PostgresOutageTest.class).info("outage statuses {}; 200 again {} ms after the restarted server was up",
                    statuses, recovered);
            assertThat(faults).as("what the load threads saw").isEmpty();
            assertThat(statuses.keySet()).as("only 200 and 503, never 401, 500 or a dropped request").containsOnly(200, 503);
            assertThat(down503).as("503s while the database was down").isGreaterThanOrEqualTo(20);
        } finally {
            if (server != null) server.stop();
            pg.close();
        }
    }

    private static long count(Map<Integer, AtomicLong> statuses, int status) {
        AtomicLong n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    @Test
    void aStalledDatabaseAnswers503WithinTheQueryTimeoutInsteadOfHoldingTheRequest() throws Exception {
        dev.pkauth.testing.TestDatabase db = dev.pkauth.testing.TestDatabase.create(dev.pkauth.testing.Backend.POSTGRESQL, dir);
        Server server = null;
        try (ApiKeyStore store = db.builder().cacheTtl(Duration.ZERO).build()) {
            String token = store.create("alice", null, List.of(), null).token();
            ServletContextHandler context = new ServletContextHandler();
            context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new WhoamiServlet()), "/*");
            server = JettyServers.start(context);
            URI base = JettyServers.uri(server);
            try (java.sql.Connection locker = db.connect(); var s = locker.createStatement()) {
                locker.setAutoCommit(false);
                s.execute("LOCK TABLE " + db.table() + " IN ACCESS EXCLUSIVE MODE"); // every read now waits

                long start = System.nanoTime();
                dev.pkauth.testing.RawHttp.Response stalled = dev.pkauth.testing.RawHttp.get(base, "/whoami", "Authorization: Bearer " + token);
                long ms = (System.nanoTime() - start) / 1_000_000;

                LoggerFactory.getLogger(PostgresOutageTest.class).info("stalled database answered {} after {} ms", stalled.status(), ms);
                assertThat(stalled.status()).isEqualTo(503);
                assertThat(stalled.header("Retry-After")).isNotNull();
                locker.rollback();
            }
            assertThat(dev.pkauth.testing.RawHttp.get(base, "/whoami", "Authorization: Bearer " + token).status()).isEqualTo(200);
        } finally {
            if (server != null) server.stop();
        }
    }

    static EmbeddedPostgres start(Path data, int port) throws java.io.IOException {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port).start();
    }
}
