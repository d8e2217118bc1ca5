package dev.pkauth.internal.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What differs between the backends, each difference a method named for what it is for, so the
 * repository reads the same on both: SQLite is one process's file with one writer at a time;
 * PostgreSQL is shared by many processes, each writing concurrently under its own snapshot.
 */
public enum Dialect {
    SQLITE("INTEGER", "id INTEGER PRIMARY KEY AUTOINCREMENT", 2) {
        @Override
        Lock newWriteLock() {
            return new ReentrantLock();
        }

        @Override
        void serialize(Connection c, String name) {
            // Writers are already one at a time: the write lock, and BEGIN IMMEDIATE.
        }

        @Override
        String readOnlyRemedy() {
            return "the file and its directory are writable by this process";
        }
    },
    POSTGRESQL("BIGINT", "id BIGSERIAL PRIMARY KEY", 4) {
        @Override
        Lock newWriteLock() {
            return NoLock.INSTANCE;
        }

        @Override
        void serialize(Connection c, String name) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                ps.setString(1, name);
                ps.execute();
            }
        }

        @Override
        String readOnlyRemedy() {
            return "it points at a primary and a role that may write";
        }

        @Override
        String parentLock() {
            // FOR NO KEY UPDATE, not FOR SHARE: share lockers that overlap one another never release
            // the row, so a key minting in a loop starved a disable or revoke of its parent until the
            // statement timeout. This lock queues fairly with theirs, and costs no concurrency: creates
            // of one user are serialised anyway.
            return " FOR NO KEY UPDATE";
        }

        @Override
        boolean sharedByProcesses() {
            return true;
        }
    };

    /** The column type of a Unix-seconds integer. */
    final String integer;
    /** The definition of an audit row's increasing id. */
    final String autoIncrementKey;
    /** Connections for management calls (list, create, revoke, sweeps) in the pool of their own. */
    final int managementPoolSize;

    Dialect(String integer, String autoIncrementKey, int managementPoolSize) {
        this.integer = integer;
        this.autoIncrementKey = autoIncrementKey;
        this.managementPoolSize = managementPoolSize;
    }

    /** The lock every write of one repository takes: SQLite's single writer; none where rows are locked. */
    abstract Lock newWriteLock();

    /**
     * Makes the rest of this transaction the only one, across processes, working under {@code name}
     * (creates of one user, a migration of one table).
     */
    abstract void serialize(Connection c, String name) throws SQLException;

    /** What makes a read-only database writable, as the log says it. */
    abstract String readOnlyRemedy();

    /** Appended to the read of a parent key that a mint must hold until commit. */
    String parentLock() {
        return "";
    }

    /**
     * Whether other processes write the same tables concurrently: then rate windows and rejected-key
     * budgets are shared rows, changes travel by {@code NOTIFY}, and a walk down a key's lineage is
     * repeated until a pass changes nothing (a key minted concurrently under the tree is visible
     * only to a later statement's snapshot).
     */
    boolean sharedByProcesses() {
        return false;
    }

    public static Optional<Dialect> ofUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) return Optional.of(SQLITE);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return Optional.of(POSTGRESQL);
        return Optional.empty();
    }

    public static Optional<Dialect> ofProductName(String product) {
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("sqlite")) return Optional.of(SQLITE);
        if (p.contains("postgres")) return Optional.of(POSTGRESQL);
        return Optional.empty();
    }

    /** The lock PostgreSQL needs: none, since it has row-level locking. */
    private enum NoLock implements Lock {
        INSTANCE;

        @Override public void lock() {}
        @Override public void lockInterruptibly() {}
        @Override public boolean tryLock() { return true; }
        @Override public boolean tryLock(long time, TimeUnit unit) { return true; }
        @Override public void unlock() {}
        @Override public Condition newCondition() { throw new UnsupportedOperationException(); }
    }
}
