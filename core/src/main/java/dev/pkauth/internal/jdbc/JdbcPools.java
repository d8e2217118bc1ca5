package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

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
    public record Spec(String poolName, String url, @Nullable String user, @Nullable String password, @Nullable Integer poolSize, int extra, Duration connectionTimeout,
            Duration queryTimeout) {
        @Override
        public String toString() {
            return "Spec[" + redact(url) + ", user=" + user + ", password=" + (password == null ? "none" : "<redacted>") + "]";
        }
    }

    /** Connections for management calls (list, create, revoke, sweeps) in the pool of their own. */
    public static int managementPoolSize(Dialect dialect) {
        return dialect.managementPoolSize;
    }

    public static Dialect dialectOf(String url) {
        return Dialect.ofUrl(url).orElseThrow(() -> new IllegalStateException(
                "unsupported JDBC URL: expected jdbc:sqlite:… or jdbc:postgresql://…, got " + Validation.printable(redact(url))));
    }

    public static HikariDataSource open(Spec spec) {
        Dialect dialect = dialectOf(spec.url());
        if (userInfo(spec.url()) != null) {
            // PostgreSQL's driver does not take user:password@ (it rejects the URL, echoing it whole).
            throw new IllegalStateException("the JDBC URL " + redact(spec.url()) + " holds a user and password before the "
                    + "host: set them as PKAUTH_JDBC_USER and PKAUTH_JDBC_PASSWORD (jdbc-user, jdbc-password) instead");
        }
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
            createPrivately(sqlitePath(spec.url()));
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
            // Hikari and drivers put the URL in their messages; one with ?password= loses its cause.
            boolean echoesUrl = false;
            for (Throwable t = e; t != null && !echoesUrl; t = t.getCause() == t ? null : t.getCause()) {
                echoesUrl = t.getMessage() != null && spec.url().contains("?") && t.getMessage().contains(spec.url());
            }
            throw new StoreUnavailableException(openFailure(spec.url(), e), echoesUrl ? null : e);
        }
    }

    /**
     * Why a database could not be opened, in one line naming the cause and the fix: the wording the
     * CLI, the examples and every application log share.
     */
    static String openFailure(String url, Throwable e) {
        String shown = redact(url);
        String cause = scrubbed(firstLine(rootMessage(e)), url);
        if (url.startsWith("jdbc:sqlite:")) {
            java.nio.file.Path dir = java.nio.file.Path.of(sqlitePath(url)).toAbsolutePath().getParent();
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

    /**
     * Drops what may hold a password from a URL meant for a message: query parameters, and the
     * {@code user:password@} some write before the host.
     */
    public static String redact(String url) {
        int q = url.indexOf('?');
        String u = q < 0 ? url : url.substring(0, q) + "?…";
        String secret = userInfo(url);
        return secret == null ? u : u.replace(secret + "@", "…@");
    }

    /** {@code user:password} of {@code jdbc:postgresql://user:password@host/db}, or {@code null}. */
    private static @org.jspecify.annotations.Nullable String userInfo(String url) {
        int start = url.indexOf("//");
        if (start < 0) return null;
        int end = url.indexOf('/', start + 2);
        String authority = url.substring(start + 2, end < 0 ? url.length() : end);
        int at = authority.lastIndexOf('@');
        return at <= 0 ? null : authority.substring(0, at);
    }

    /** A driver's message with the URL's user-info taken out: drivers echo the host they failed to resolve. */
    private static String scrubbed(String message, String url) {
        String secret = userInfo(url);
        return secret == null ? message : message.replace(secret, "…");
    }

    /** The file of a {@code jdbc:sqlite:} URL. */
    static String sqlitePath(String url) {
        return url.substring("jdbc:sqlite:".length()).replaceFirst("^file:", "").replaceFirst("\\?.*$", "");
    }

    /**
     * Creates a new SQLite database file readable by its owner only (0600): it holds every key's
     * HMAC and owner. SQLite gives its -wal and -shm files the database file's permissions. An
     * existing file is left as the operator made it; where permissions are not POSIX, nothing is done.
     */
    private static void createPrivately(String path) {
        java.nio.file.Path file = java.nio.file.Path.of(path);
        java.nio.file.Path dir = file.toAbsolutePath().getParent();
        if (java.nio.file.Files.exists(file) || dir == null || !java.nio.file.Files.isDirectory(dir)) return;
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        try {
            java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            // another process made it first; it chose the permissions
        } catch (java.io.IOException e) {
            // not writable here: opening will fail next and say why (openFailure)
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
