package dev.pkauth.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** Real databases for benchmarks: a SQLite file in a temp directory, or one embedded PostgreSQL per JVM. */
final class BenchDatabases {
    static final String PEPPER = "benchmark-pepper-0123456789abcdef";
    private static EmbeddedPostgres postgres;

    private BenchDatabases() {}

    static String sqliteUrl(String name) {
        try {
            return "jdbc:sqlite:" + Files.createTempDirectory("pkauth-bench-").resolve(name + ".db");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static synchronized String postgresUrl() {
        try {
            if (postgres == null) postgres = EmbeddedPostgres.builder().start();
            return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres?user=postgres";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pool configured as pkauth configures its own. */
    static HikariDataSource pool(String backend) {
        HikariConfig c = new HikariConfig();
        if (backend.equals("sqlite")) {
            c.setJdbcUrl(sqliteUrl("pool"));
            c.addDataSourceProperty("journal_mode", "WAL");
            c.addDataSourceProperty("busy_timeout", "5000");
            c.setMaximumPoolSize(4);
        } else {
            c.setJdbcUrl(postgresUrl());
            c.setMaximumPoolSize(10);
        }
        return new HikariDataSource(c);
    }
}
