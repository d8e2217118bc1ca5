package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Where a store keeps its table, as its builder was told: memory, a JDBC URL the store pools
 * itself, or a {@link DataSource} the application owns. Shared by every store's builder.
 */
public final class DatabaseTarget {
    private boolean inMemory;
    private @Nullable String url;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable DataSource dataSource;

    /**
     * Data sources ready for a repository: one for management, one for verification lookups (the
     * same one when the application gave its own), and what to close with them ({@code null}: the
     * application's).
     */
    public record Opened(DataSource dataSource, DataSource lookups, @Nullable AutoCloseable owned, Dialect dialect) {}

    public void inMemory() {
        requireNone();
        inMemory = true;
    }

    public void jdbcUrl(String url) {
        requireNone();
        this.url = Objects.requireNonNull(url, "jdbcUrl");
    }

    public void dataSource(DataSource dataSource) {
        requireNone();
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public void credentials(String user, String password) {
        if (this.user != null) throw new IllegalStateException("credentials was already set");
        this.user = Objects.requireNonNull(user, "user");
        this.password = password;
    }

    private void requireNone() {
        if (inMemory || url != null || dataSource != null) {
            throw new IllegalStateException("a backend was already chosen: use one of inMemory(), jdbcUrl(…), dataSource(…)");
        }
    }

    /**
     * With no backend chosen, takes {@code url} (and its credentials) from the settings.
     *
     * @param url the settings' JDBC URL, or {@code null}
     * @param urlVariable how the user names that setting, for the message when it is missing too
     */
    public void resolve(@Nullable String url, @Nullable String user, @Nullable String password, String urlVariable) {
        if (inMemory || this.url != null || dataSource != null) return;
        this.url = url;
        if (url == null) {
            throw new IllegalStateException("no backend: call jdbcUrl(…), dataSource(…) or inMemory(), or set " + urlVariable);
        }
        if (this.user == null && user != null) {
            this.user = user;
            this.password = password;
        }
    }

    /** Where the keys live, for the line a store logs when it opens: never a password. */
    public String where() {
        if (inMemory) return "memory";
        if (dataSource != null) return "the application's DataSource";
        if (url == null) return "nowhere";
        if (url.startsWith("jdbc:sqlite:")) return "jdbc:sqlite:" + java.nio.file.Path.of(JdbcPools.sqlitePath(url)).toAbsolutePath();
        return JdbcPools.redact(url) + (user == null ? "" : " as " + user);
    }

    public boolean isInMemory() {
        return inMemory;
    }

    /** Equal for stores on the same table of the same database in this JVM; unique in memory. */
    public Object identity(String table) {
        if (dataSource != null) return List.of(dataSource, table);
        return url != null ? url + "|" + table : new Object();
    }

    /**
     * The application's data source as it is, or two pools the caller owns: one for verification
     * lookups, one for management, so a burst of management calls cannot take the connections a
     * verification needs.
     *
     * @param poolSize connections for verification lookups, or {@code null} for the default
     * @param extra connections held for good by a background task (the change watcher), added to the lookup pool
     * @param separateLookups false for a table with no hot path (linked accounts): one pool serves all
     */
    public Opened open(@Nullable Integer poolSize, int extra, Duration connectionTimeout, Duration queryTimeout,
            boolean separateLookups) {
        if (dataSource != null) {
            return new Opened(dataSource, dataSource, null, JdbcPools.dialectOf(dataSource));
        }
        String url = java.util.Objects.requireNonNull(this.url, "resolve() names a database first");
        Dialect dialect = JdbcPools.dialectOf(url);
        if (!separateLookups) {
            HikariDataSource pool = JdbcPools.open(new JdbcPools.Spec("pkauth", url, user, password, poolSize, extra,
                    connectionTimeout, queryTimeout));
            return new Opened(pool, pool, pool, dialect);
        }
        HikariDataSource lookups = JdbcPools.open(new JdbcPools.Spec("pkauth-verify", url, user, password, poolSize, extra,
                connectionTimeout, queryTimeout));
        HikariDataSource management;
        try {
            management = JdbcPools.open(new JdbcPools.Spec("pkauth-manage", url, user, password,
                    JdbcPools.managementPoolSize(dialect), 0, connectionTimeout, queryTimeout));
        } catch (RuntimeException e) {
            lookups.close();
            throw e;
        }
        AutoCloseable both = () -> {
            try {
                management.close();
            } finally {
                lookups.close();
            }
        };
        return new Opened(management, lookups, both, dialect);
    }
}
