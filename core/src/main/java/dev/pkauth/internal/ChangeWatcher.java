package dev.pkauth.internal;

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
 * dropped: PostgreSQL {@code LISTEN} on the table's channel, or SQLite's {@code data_version}
 * (which moves whenever another connection commits). It holds one pooled connection, reconnects
 * after a failure, and drops the whole cache whenever it may have missed something.
 */
abstract class ChangeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeWatcher.class);
    static final long POLL_MILLIS = 250;
    private static final long RETRY_MILLIS = 1000;

    final DataSource dataSource;
    final Runnable changedAll;
    private final Thread thread;
    private volatile boolean closed;

    ChangeWatcher(DataSource dataSource, Runnable changedAll, String name) {
        this.dataSource = dataSource;
        this.changedAll = changedAll;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        boolean failing = false;
        while (!closed) {
            try (Connection c = dataSource.getConnection()) {
                prepare(c);
                if (failing) {
                    changedAll.run(); // whatever happened while not watching
                    log.info("pkauth: watching for key changes again");
                }
                failing = false;
                while (!closed) poll(c);
            } catch (SQLException | RuntimeException e) {
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

    /** PostgreSQL: every write that changes a verdict sends {@code pg_notify(channel, id)}. */
    static final class Notifications extends ChangeWatcher {
        private final String channel;
        private final Consumer<String> changed;
        private PGConnection pg;

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
            PGNotification[] notifications = pg.getNotifications((int) POLL_MILLIS);
            if (notifications == null) {
                if (!c.isValid(1)) throw new SQLException("listener connection is no longer valid");
                return;
            }
            for (PGNotification n : notifications) changed.accept(n.getParameter());
        }
    }

    /** SQLite: {@code PRAGMA data_version} changes when any other connection commits. */
    static final class DataVersion extends ChangeWatcher {
        private long version = Long.MIN_VALUE;

        DataVersion(DataSource dataSource, Runnable changedAll) {
            super(dataSource, changedAll, "pkauth-data-version");
        }

        @Override
        void prepare(Connection c) throws SQLException {
            version = read(c);
        }

        @Override
        void poll(Connection c) throws SQLException {
            sleep(POLL_MILLIS);
            long now = read(c);
            if (now != version) {
                version = now;
                changedAll.run();
            }
        }

        private static long read(Connection c) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA data_version")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
