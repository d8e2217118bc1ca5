package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.StoreReadOnlyException;
import dev.pkauth.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Locale;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pkauth's JDBC tables share: connections, SQLite's single-writer queue, transactions, and
 * turning every {@link SQLException} into a {@link StoreUnavailableException}.
 */
abstract class JdbcBase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JdbcBase.class);

    final DataSource dataSource;
    private final @Nullable AutoCloseable owned;
    final Dialect dialect;
    final String table;
    /**
     * SQLite has one writer per database. Writers of this process queue here instead of spinning
     * in SQLite's busy handler; {@code busy_timeout} still covers other processes (the CLI).
     */
    private final Lock writeLock;
    /** Whether the ERROR for a read-only database was logged: once per table, not per request. */
    private final java.util.concurrent.atomic.AtomicBoolean readOnlyReported;

    /** @param owned closed with this repository (the pool it made), or {@code null} when the application owns the data source */
    JdbcBase(DataSource dataSource, @Nullable AutoCloseable owned, Dialect dialect, String table) {
        this.dataSource = dataSource;
        this.owned = owned;
        this.dialect = dialect;
        this.table = table;
        this.writeLock = dialect.newWriteLock();
        this.readOnlyReported = new java.util.concurrent.atomic.AtomicBoolean();
    }

    /** A part of the same repository: the same pool, dialect, table and write lock; it closes nothing. */
    JdbcBase(JdbcBase same) {
        this.dataSource = same.dataSource;
        this.owned = null;
        this.dialect = same.dialect;
        this.table = same.table;
        this.writeLock = same.writeLock;
        this.readOnlyReported = same.readOnlyReported;
    }

    /** {@code <table>_<suffix>}, the table part shortened so the name fits PostgreSQL's 63 characters. */
    String name(String suffix) {
        int room = 63 - suffix.length() - 1;
        return (table.length() > room ? table.substring(0, room) : table) + "_" + suffix;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Schema statements, given a connection and a statement on it. */
    @FunctionalInterface
    interface SchemaWork {
        void run(Connection c, java.sql.Statement s) throws SQLException;
    }

    /**
     * Runs schema changes in one transaction, in the write queue, exempt from PostgreSQL's
     * statement_timeout (request statements are bounded by it; building an index on a large table is not).
     */
    void migrateWith(SchemaWork work) {
        withWriteLock(() -> {
            try (Connection c = dataSource.getConnection()) {
                return inTransaction(c, () -> {
                    try (java.sql.Statement s = c.createStatement()) {
                        if (dialect.sharedByProcesses()) s.execute("SET LOCAL statement_timeout = 0");
                        work.run(c, s);
                    }
                    return Boolean.TRUE;
                });
            }
        }, "migrate table " + table);
    }

    @Override
    public void close() {
        if (owned == null) return;
        try {
            owned.close();
        } catch (Exception e) {
            log.warn("pkauth: closing the connection pool failed: {}", e.toString());
        }
    }

    // --- plumbing -------------------------------------------------------------------------

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface SqlBody<T> {
        T run() throws SQLException;
    }

    <T> T read(SqlWork<T> work, String what) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw unavailable(what, e);
        }
    }

    <T> T write(SqlWork<T> work, String what) {
        return write(dataSource, work, what);
    }

    /** A write on the request path, through {@code pool} (the verification pool) rather than management's. */
    <T> T write(DataSource pool, SqlWork<T> work, String what) {
        return withWriteLock(() -> {
            try (Connection c = pool.getConnection()) {
                return work.run(c);
            }
        }, what);
    }

    <T> T withWriteLock(SqlBody<T> body, String what) {
        writeLock.lock();
        try {
            return body.run();
        } catch (SQLException e) {
            throw unavailable(what, e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Runs {@code body} in one transaction. On SQLite the transaction begins IMMEDIATE, taking the
     * write lock up front: a deferred one that reads first (a count, a parent row) and writes
     * after fails with SQLITE_BUSY_SNAPSHOT, unretried, when another connection wrote in between.
     */
    <T> T inTransaction(Connection c, SqlBody<T> body) throws SQLException {
        if (!dialect.sharedByProcesses() && c.getAutoCommit()) {
            try (java.sql.Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
            }
            try {
                T result = body.run();
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("COMMIT");
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                try (java.sql.Statement s = c.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = body.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    StoreUnavailableException unavailable(String what, SQLException e) {
        // Driver messages name tables and SQL states, never bound parameter values.
        String where = " (" + dialect.name().toLowerCase(Locale.ROOT) + ", table " + table + ")";
        if (isReadOnly(e)) {
            if (readOnlyReported.compareAndSet(false, true)) {
                log.error("pkauth: the database{} is read-only: key changes, last-use times and the audit log cannot be "
                        + "written until {}; verification keeps working. First refused: {}", where,
                        dialect.readOnlyRemedy(), what);
            }
            return new StoreReadOnlyException("database is read-only" + where + ": could not " + what, e);
        }
        return new StoreUnavailableException("could not " + what + where + ": " + e.getMessage(), e);
    }

    /** SQLITE_READONLY and its extended codes; PostgreSQL's read_only_sql_transaction (a standby, a read-only role). */
    static boolean isReadOnly(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                if ("25006".equals(s.getSQLState())) return true;
                String m = String.valueOf(s.getMessage());
                if (m.contains("SQLITE_READONLY")) return true;
            }
        }
        return false;
    }

    static String nullToEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }

    static @Nullable Long getLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static void setLong(PreparedStatement ps, int index, @Nullable Long value) throws SQLException {
        if (value == null) ps.setNull(index, Types.BIGINT);
        else ps.setLong(index, value);
    }
}
