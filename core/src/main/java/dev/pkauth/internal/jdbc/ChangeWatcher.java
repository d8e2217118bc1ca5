package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread that hears of key changes made by other processes, so their cached rows are
 * dropped one by one: PostgreSQL {@code LISTEN} on the table's channel, or SQLite's change table
 * (read when {@code data_version} says another connection committed). It holds one pooled connection, reconnects
 * after a failure, and drops the whole cache whenever it may have missed something.
 */
abstract class ChangeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
    static final long POLL_MILLIS = 250;
    private static final long RETRY_MILLIS = 1000;

    final DataSource dataSource;
    final Runnable changedAll;
    private final Thread thread;
    /** Counted down once the first watch is in place (or the first attempt failed). */
    private final java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean closed;

    ChangeWatcher(DataSource dataSource, Runnable changedAll, String name) {
        this.dataSource = dataSource;
        this.changedAll = changedAll;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching and returns once the watch is in place, so that no change made after the
     * store is built can slip by unseen (a change before it finds nothing cached). Gives up
     * waiting after a few seconds; the thread keeps trying in the background.
     */
    void start() {
        thread.start();
        try {
            if (!ready.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("pkauth: the watch for key changes is not up yet; cached keys expire by their TTL meanwhile");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                prepare(c);
                ready.countDown();
                if (failing) {
                    changedAll.run(); // whatever happened while not watching
                    log.info("pkauth: watching for key changes again");
                }
                failing = false;
                while (!closed) poll(c);
            } catch (SQLException | RuntimeException e) {
                ready.countDown();
                if (closed) return;
                changedAll.run();
                if (!failing) log.warn("pkauth: lost the watch for key changes of other processes, retrying: {}", e.getMessage());
                failing = true;
                sleep(RETRY_MILLIS);
            }
        }
    }

    abstract void prepare(Connection c) throws SQLException;

    /** Waits up to about {@link #POLL_MILLIS} and reports what changed. */
    abstract void poll(Connection c) throws SQLException;

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The notification that stands for every key (a TRUNCATE): no key id is ever {@value}. */
    static final String EVERYTHING = "*";

    /** PostgreSQL: every write that changes a verdict sends {@code pg_notify(channel, id)}. */
    static final class Notifications extends ChangeWatcher {
        private final String channel;
        private final Consumer<String> changed;
        private @Nullable PGConnection pg;

        Notifications(DataSource dataSource, String channel, Consumer<String> changed, Runnable changedAll) {
            super(dataSource, changedAll, "pkauth-listen");
            this.channel = channel;
            this.changed = changed;
        }

        @Override
        void prepare(Connection c) throws SQLException {
            pg = c.unwrap(PGConnection.class);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN \"" + channel + "\"");
            }
        }

        @Override
        void poll(Connection c) throws SQLException {
            PGConnection pg = java.util.Objects.requireNonNull(this.pg, "not listening");
            PGNotification[] notifications = pg.getNotifications((int) POLL_MILLIS);
            if (notifications == null) {
                if (!c.isValid(1)) throw new SQLException("listener connection is no longer valid");
                return;
            }
            for (PGNotification n : notifications) {
                if (EVERYTHING.equals(n.getParameter())) changedAll.run();
                else changed.accept(n.getParameter());
            }
        }
    }

    /**
     * SQLite: triggers append the id of every changed key to a change table. When
     * {@code PRAGMA data_version} says another connection committed, the new rows are read and
     * each id invalidated. Sequence numbers are consecutive (AUTOINCREMENT, single writer), so a
     * gap means the table was pruned past what this watcher had read: then everything is dropped.
     */
    static final class ChangeLog extends ChangeWatcher {
        private final String changes;
        private final Consumer<String> changed;
        private long version = Long.MIN_VALUE;
        private long seen;

        ChangeLog(DataSource dataSource, String changes, Consumer<String> changed, Runnable changedAll) {
            super(dataSource, changedAll, "pkauth-change-log");
            this.changes = changes;
            this.changed = changed;
        }

        @Override
        void prepare(Connection c) throws SQLException {
            version = dataVersion(c);
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT coalesce(max(seq), 0) FROM " + changes)) {
                rs.next();
                seen = rs.getLong(1);
            }
        }

        @Override
        void poll(Connection c) throws SQLException {
            sleep(POLL_MILLIS);
            long now = dataVersion(c);
            if (now == version) return;
            version = now;
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, key_id FROM " + changes + " WHERE seq > ? ORDER BY seq")) {
                ps.setLong(1, seen);
                try (ResultSet rs = ps.executeQuery()) {
                    boolean first = true;
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        if (first && seq != seen + 1) changedAll.run(); // pruned past what was read
                        first = false;
                        seen = seq;
                        changed.accept(rs.getString(2));
                    }
                }
            }
        }

        private static long dataVersion(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
