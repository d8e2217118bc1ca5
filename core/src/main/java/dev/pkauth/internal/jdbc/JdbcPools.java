package dev.pkauth.internal.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.internal.text.Validation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** The pools pkauth's stores make, configured once for SQLite and PostgreSQL. */
public final class JdbcPools {
    private JdbcPools() {}

    /**
     * @param poolSize connections for requests, or {@code null} for the default (SQLite 4, PostgreSQL 10)
     * @param extra connections held for good by a background task (the change watcher)
     * @param queryTimeout PostgreSQL {@code statement_timeout}; zero for none
     */
    public record Spec(String poolName, String url, String user, String password, Integer poolSize, int extra, Duration connectionTimeout,
            Duration queryTimeout) {
        @Override
        public String toString() {
            return "Spec[" + redact(url) + ", user=" + user + ", password=" + (password == null ? "none" : "<redacted>") + "]";
        }
    }

    /** Connections for management calls (list, create, revoke, sweeps) in the pool of their own. */
    public static int managementPoolSize(Dialect dialect) {
        return dialect == Dialect.SQLITE ? 2 : 4;
    }

    public static Dialect dialectOf(String url) {
        return Dialect.ofUrl(url).orElseThrow(() -> new IllegalStateException(
                "unsupported JDBC URL: expected jdbc:sqlite:… or jdbc:postgresql://…, got " + Validation.printable(redact(url))));
    }

    public static HikariDataSource open(Spec spec) {
        Dialect dialect = dialectOf(spec.url());
        HikariConfig config = new HikariConfig();
        config.setPoolName(spec.poolName());
        config.setJdbcUrl(spec.url());
        config.setConnectionTimeout(spec.connectionTimeout().toMillis());
        if (spec.user() != null) config.setUsername(spec.user());
        if (spec.password() != null) config.setPassword(spec.password());
        if (dialect == Dialect.SQLITE) {
            String path = spec.url().substring("jdbc:sqlite:".length());
            if (path.isEmpty() || path.contains(":memory:") || path.contains("mode=memory")) {
                throw new IllegalStateException("an in-memory SQLite URL gives every pooled connection its own "
                        + "empty database; use a file (jdbc:sqlite:keys.db) or inMemory()");
            }
            config.setMaximumPoolSize((spec.poolSize() != null ? spec.poolSize() : 4) + spec.extra());
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("busy_timeout", "5000");
        } else {
            config.setMaximumPoolSize((spec.poolSize() != null ? spec.poolSize() : 10) + spec.extra());
            long timeoutMs = spec.queryTimeout().toMillis();
            if (timeoutMs > 0) config.addDataSourceProperty("options", "-c statement_timeout=" + timeoutMs);
        }
        config.setMinimumIdle(1);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreUnavailableException(openFailure(spec.url(), e), e);
        }
    }

    /**
     * Why a database could not be opened, in one line naming the cause and the fix: the wording the
     * CLI, the examples and every application log share.
     */
    static String openFailure(String url, Throwable e) {
        String shown = redact(url);
        String cause = firstLine(rootMessage(e));
        if (url.startsWith("jdbc:sqlite:")) {
            String path = url.substring("jdbc:sqlite:".length()).replaceFirst("^file:", "").replaceFirst("\\?.*$", "");
            java.nio.file.Path dir = java.nio.file.Path.of(path).toAbsolutePath().getParent();
            if (dir != null && !java.nio.file.Files.isDirectory(dir)) {
                return "cannot open " + shown + ": directory " + dir + " does not exist (create it, or point PKAUTH_JDBC_URL elsewhere)";
            }
            if (JdbcBase.isReadOnly(e) || cause.contains("SQLITE_CANTOPEN")) {
                return "cannot open " + shown + " for writing (" + cause + "): check the permissions of the file and its directory";
            }
        } else if (cause.contains("refused") || cause.contains("Connection attempt failed") || cause.contains("UnknownHost")
                || cause.contains("timed out")) {
            return "cannot reach the database at " + shown + " (" + cause + "): check PKAUTH_JDBC_URL and that the server is running";
        } else if (cause.contains("password authentication failed") || cause.contains("no password was provided")) {
            return "the database at " + shown + " refused the login (" + cause + "): check PKAUTH_JDBC_USER and PKAUTH_JDBC_PASSWORD";
        }
        return "could not open the database " + shown + ": " + cause;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The dialect of a data source the application owns. */
    public static Dialect dialectOf(DataSource dataSource) {
        String product;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new StoreUnavailableException("could not connect through the given DataSource: " + e.getMessage(), e);
        }
        return Dialect.ofProductName(product).orElseThrow(() -> new IllegalStateException(
                "unsupported database " + product + ": pkauth speaks SQLite and PostgreSQL"));
    }

    /** Drops query parameters (where a password may sit) from a URL meant for a message. */
    public static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
