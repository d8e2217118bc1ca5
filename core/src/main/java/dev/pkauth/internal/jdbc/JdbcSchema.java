package dev.pkauth.internal.jdbc;

import dev.pkauth.internal.token.IdTags;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key table's schema: its columns (Pylon's nine and those pkauth added, in order), indexes,
 * the audit, usage, failed-auth and meta tables, and the triggers that carry every change of a
 * key's verdict to the other processes: {@code pg_notify} on PostgreSQL, a change table on SQLite.
 */
final class JdbcSchema extends JdbcBase {
    private static final Logger log = LoggerFactory.getLogger(JdbcSchema.class);
    /**
     * Columns whose change can change a verification's answer or a key's limits. Not last_used_at,
     * and not credits or last_refill_at, which every metered request moves: setting limits also
     * sets rate_limit, so it is reported.
     */
    private static final String VERDICT_COLUMNS = "user_id, name, secret_hash, scopes, expires_at, revoked_at, rate_limit,"
            + " rate_window, refill_amount, refill_interval, disabled_at, metadata, allowed_ips";
    /** The SQLite change table keeps about this many recent ids; a watcher further behind drops its whole cache. */
    static final int CHANGE_LOG_ROWS = 10_000;

    /** The meta row holding the id tag key. */
    static final String TAG_KEY = "id_tag_key";

    JdbcSchema(JdbcBase same) {
        super(same);
    }

    /** Creates the tables, indexes and triggers, or adds what an older table lacks; idempotent. */
    void migrate() {
        String integer = dialect.integer;
        // Columns pkauth added to Pylon's nine, in the order they came: a new table is created with
        // all of them, an older one gains those it lacks.
        String[][] added = {
            {"revoked_at", integer}, {"created_by", "TEXT"},
            {"rate_limit", "INTEGER"}, {"rate_window", "INTEGER"}, {"credits", integer}, {"refill_amount", integer},
            {"refill_interval", integer}, {"last_refill_at", integer},
            {"disabled_at", integer}, {"disabled_via", "TEXT"}, {"metadata", "TEXT"}, {"allowed_ips", "TEXT"},
            {"last_used_ip", "TEXT"}, {"pepper_id", "TEXT"}, {"id_tagged", "INTEGER"},
            {"created_actor", "TEXT"}, {"rotated_to", "TEXT"}, {"lookup_hash", "TEXT"}, {"import_ref", "TEXT"},
        };
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS " + table + " ("
                + "id TEXT PRIMARY KEY, "
                + "user_id TEXT NOT NULL, "
                + "name TEXT NOT NULL DEFAULT '', "
                + "prefix TEXT NOT NULL DEFAULT '', "
                + "secret_hash TEXT NOT NULL, "
                + "scopes TEXT, "
                + "expires_at " + integer + ", "
                + "last_used_at " + integer + ", "
                + "created_at " + integer + " NOT NULL");
        for (String[] column : added) ddl.append(", ").append(column[0]).append(' ').append(column[1]);
        ddl.append(')');
        migrateWith((c, s) -> {
            // Instances starting together would race to add the same column or trigger.
            dialect.serialize(c, "pkauth-migrate:" + table);
            s.execute(ddl.toString());
            s.execute("CREATE INDEX IF NOT EXISTS " + table + "_user_id_idx ON " + table + " (user_id)");
            // A Pylon-shaped table has the first nine columns only; earlier pkauth tables lack later ones.
            Set<String> columns = columnsOf(c);
            for (String[] column : added) addColumnIfMissing(s, columns, column[0], column[1]);
            // Administrative listings: newest first across users, expiring soon, unused for long.
            s.execute("CREATE INDEX IF NOT EXISTS " + name("created_idx") + " ON " + table + " (created_at, id)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("user_created_idx") + " ON " + table + " (user_id, created_at, id)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("expires_idx") + " ON " + table + " (expires_at)");
            // Partial: a key leaves it when revoked, so batch after batch of a sweep starts at keys still to do.
            s.execute("CREATE INDEX IF NOT EXISTS " + name("unused_idx") + " ON " + table
                    + " ((coalesce(last_used_at, created_at))) WHERE revoked_at IS NULL");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("revoked_idx") + " ON " + table
                    + " (revoked_at) WHERE revoked_at IS NOT NULL");
            // Imported keys: a legacy token is found by its SHA-256 (one indexed lookup, never a
            // scan), and each source row is imported once however often the import runs.
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + name("lookup_idx") + " ON " + table
                    + " (lookup_hash) WHERE lookup_hash IS NOT NULL");
            s.execute("CREATE UNIQUE INDEX IF NOT EXISTS " + name("import_idx") + " ON " + table
                    + " (import_ref) WHERE import_ref IS NOT NULL");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("disabled_via_idx") + " ON " + table + " (disabled_via)");
            String audit = name("audit");
            s.execute("CREATE TABLE IF NOT EXISTS " + audit + " ("
                    + dialect.autoIncrementKey
                    + ", at " + integer + " NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, key_id TEXT, user_id TEXT,"
                    + " detail TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("audit_key_idx") + " ON " + audit + " (key_id, id)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("audit_user_idx") + " ON " + audit + " (user_id, id)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("audit_at_idx") + " ON " + audit + " (at)");
            if (dialect.sharedByProcesses()) {
                // Rate-limit windows every instance shares: one row per limited key.
                s.execute("CREATE TABLE IF NOT EXISTS " + name("usage")
                        + " (key_id TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits BIGINT NOT NULL)");
                // Rejected keys per client address, shared by every instance: one row per address
                // with a rejection in its window; ended windows are deleted as instances go.
                s.execute("CREATE TABLE IF NOT EXISTS " + name("failed")
                        + " (budget TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits BIGINT NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS " + name("failed_window_idx") + " ON " + name("failed") + " (window_start)");
            }
            // Idempotency keys of mints and rotations, a day each (IdempotencyRecords).
            s.execute("CREATE TABLE IF NOT EXISTS " + name("idempotency") + " (scope TEXT NOT NULL, idem_key TEXT NOT NULL,"
                    + " request_hash TEXT NOT NULL, key_id TEXT, created_at " + integer + " NOT NULL, PRIMARY KEY (scope, idem_key))");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("idempotency_at_idx") + " ON " + name("idempotency") + " (created_at)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("created_by_idx") + " ON " + table + " (created_by)");
            // Rows whose id carries no tag (Pylon's, older pkauth's): while any exist, an id without
            // a valid tag may still be a key and is looked up; this index answers "any?" at once.
            s.execute("CREATE INDEX IF NOT EXISTS " + name("untagged_idx") + " ON " + table + " (id) WHERE id_tagged IS NULL");
            // The id tag key: made once by whichever instance migrates first, read by all.
            s.execute("CREATE TABLE IF NOT EXISTS " + name("meta") + " (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
            // Written only when absent: an existing database opened read-only must still migrate (a no-op).
            boolean present;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + name("meta") + " WHERE name = ?")) {
                ps.setString(1, TAG_KEY);
                try (ResultSet rs = ps.executeQuery()) {
                    present = rs.next();
                }
            }
            if (!present) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name("meta")
                        + " (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                    ps.setString(1, TAG_KEY);
                    ps.setString(2, IdTags.newKeyText());
                    ps.executeUpdate();
                }
            }
            if (dialect.sharedByProcesses()) installNotifyTrigger(c, s);
            else installChangeLog(s);
        });
    }

    private void addColumnIfMissing(Statement s, Set<String> columns, String column, String type) throws SQLException {
        if (columns.contains(column)) return;
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
        log.info("pkauth: added column {} to table {}", column, table);
    }

    /** PostgreSQL: a row trigger sends the changed key's id on the table's channel. */
    private void installNotifyTrigger(Connection c, Statement s) throws SQLException {
        String function = name("notify");
        String trigger = name("changed");
        // The channel and names derive from the validated table name, so splicing them is safe.
        s.execute("CREATE OR REPLACE FUNCTION " + function + "() RETURNS trigger LANGUAGE plpgsql AS $pkauth$ "
                + "BEGIN PERFORM pg_notify('" + channel() + "', OLD.id); RETURN NULL; END $pkauth$");
        boolean present;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_trigger WHERE tgname = ? AND tgrelid = to_regclass(?)")) {
            ps.setString(1, trigger.toLowerCase(Locale.ROOT));
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                present = rs.next();
            }
        }
        if (!present) {
            s.execute("CREATE TRIGGER " + trigger + " AFTER UPDATE OF " + VERDICT_COLUMNS + " OR DELETE ON " + table
                    + " FOR EACH ROW EXECUTE PROCEDURE " + function + "()");
        }
        // TRUNCATE fires no row trigger: a statement trigger says "everything" (never a key id).
        String all = name("notify_all");
        String truncated = name("truncated");
        s.execute("CREATE OR REPLACE FUNCTION " + all + "() RETURNS trigger LANGUAGE plpgsql AS $pkauth$ "
                + "BEGIN PERFORM pg_notify('" + channel() + "', '" + ChangeWatcher.EVERYTHING + "'); RETURN NULL; END $pkauth$");
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_trigger WHERE tgname = ? AND tgrelid = to_regclass(?)")) {
            ps.setString(1, truncated.toLowerCase(Locale.ROOT));
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    s.execute("CREATE TRIGGER " + truncated + " AFTER TRUNCATE ON " + table
                            + " FOR EACH STATEMENT EXECUTE PROCEDURE " + all + "()");
                }
            }
        }
    }

    /** SQLite: triggers append changed ids to a change table, pruned to about {@link #CHANGE_LOG_ROWS} rows. */
    private void installChangeLog(Statement s) throws SQLException {
        String changes = changeTable();
        s.execute("CREATE TABLE IF NOT EXISTS " + changes + " (seq INTEGER PRIMARY KEY AUTOINCREMENT, key_id TEXT NOT NULL)");
        String record = " BEGIN INSERT INTO " + changes + " (key_id) VALUES (OLD.id);"
                + " DELETE FROM " + changes + " WHERE seq <= (SELECT max(seq) FROM " + changes + ") - " + CHANGE_LOG_ROWS
                + "; END";
        s.execute("CREATE TRIGGER IF NOT EXISTS " + name("changed") + " AFTER UPDATE OF " + VERDICT_COLUMNS + " ON "
                + table + " FOR EACH ROW" + record);
        s.execute("CREATE TRIGGER IF NOT EXISTS " + name("deleted") + " AFTER DELETE ON " + table + " FOR EACH ROW" + record);
    }

    /** SQLite: the table the change triggers append to. */
    String changeTable() {
        return name("changes");
    }

    private Set<String> columnsOf(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) names.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** PostgreSQL channel that carries ids of changed keys to every process sharing the table. */
    String channel() {
        String name = "pkauth_" + table.toLowerCase(Locale.ROOT);
        return name.length() > 63 ? name.substring(0, 63) : name;
    }
}
