package dev.pkauth.internal.jdbc;

import dev.pkauth.internal.token.IdTags;
import dev.pkauth.internal.store.AuditRecord;
import dev.pkauth.internal.store.KeyFilter;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.store.KeyRepository;
import dev.pkauth.internal.store.TouchWriter;

import dev.pkauth.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key table over JDBC, on SQLite or PostgreSQL. Every {@link SQLException} becomes a
 * {@link StoreUnavailableException}: a database that cannot answer never looks like a bad key.
 *
 * <p>Verification lookups use their own connections ({@code lookups}), so a burst of management
 * calls (lists, creates, sweeps) can slow management but never starve verification.
 *
 * <p>Every change to a key's verdict reaches the other processes sharing the table through
 * triggers the migration installs, whoever makes it (this library, another process, or SQL typed
 * by an operator): on PostgreSQL a {@code pg_notify} with the key's id, on SQLite a row in a small
 * change table that the watcher reads.
 */
public final class JdbcKeyRepository extends JdbcBase implements KeyRepository {
    private static final Logger log = LoggerFactory.getLogger(JdbcKeyRepository.class);
    private static final String COLUMNS =
            "id, user_id, name, prefix, secret_hash, scopes, expires_at, last_used_at, created_at, revoked_at, created_by,"
            + " rate_limit, rate_window, credits, refill_amount, refill_interval, last_refill_at,"
            + " disabled_at, disabled_via, metadata, allowed_ips, last_used_ip, pepper_id";
    /**
     * Columns whose change can change a verification's answer or a key's limits. Not last_used_at,
     * and not credits or last_refill_at, which every metered request moves: setting limits also
     * sets rate_limit, so it is reported.
     */
    private static final String VERDICT_COLUMNS = "user_id, name, secret_hash, scopes, expires_at, revoked_at, rate_limit,"
            + " rate_window, refill_amount, refill_interval, disabled_at, metadata, allowed_ips";
    /** Rows a sweep or purge changes per transaction: progress is reported, and locks are held briefly. */
    public static final int BATCH = 1000;
    /** Credits refilled when due, as one expression; {@code ?} is now. */
    private static final String REFILL_DUE =
            "(refill_interval IS NOT NULL AND ? >= coalesce(last_refill_at, created_at) + refill_interval)";
    /** The SQLite change table keeps about this many recent ids; a watcher further behind drops its whole cache. */
    static final int CHANGE_LOG_ROWS = 10_000;

    private final DataSource lookups;
    private final String insertSql;
    private final String findSql;
    private final String countActiveSql;
    private final String countRecentSql;
    private final String refundSql;
    private final String countFailedSql;
    private final String updateExpirySql;
    private final String revokeTreeSql;
    private final String deleteSql;
    private final String replaceHashSql;
    private final String recentPepperIdsSql;
    private final String endSql;
    private final String adoptSql;
    private final String touchSql;
    private final String spendSql;
    private final String setLimitsSql;
    private final String hitSql;

    /**
     * @param lookups connections for verification lookups; may be {@code dataSource} itself
     * @param owned closed with this repository (the pools it made), or {@code null} when the
     *     application owns the data source
     */
    public JdbcKeyRepository(DataSource dataSource, DataSource lookups, AutoCloseable owned, Dialect dialect, String table) {
        super(dataSource, owned, dialect, table);
        this.lookups = lookups;
        insertSql = "INSERT INTO " + table + " (" + COLUMNS + ", id_tagged) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        // Parameters: now, cost, now, now, now, id, now, cost.
        spendSql = "UPDATE " + table + " SET credits = CASE WHEN " + REFILL_DUE + " THEN refill_amount ELSE credits END - ?,"
                + " last_refill_at = CASE WHEN " + REFILL_DUE + " THEN ? - ((? - coalesce(last_refill_at, created_at))"
                + " % refill_interval) ELSE last_refill_at END"
                + " WHERE id = ? AND credits IS NOT NULL AND CASE WHEN " + REFILL_DUE
                + " THEN refill_amount ELSE credits END >= ?";
        setLimitsSql = "UPDATE " + table + " SET rate_limit = ?, rate_window = ?, credits = ?, refill_amount = ?,"
                + " refill_interval = ?, last_refill_at = ? WHERE id = ? AND revoked_at IS NULL";
        String usage = name("usage");
        // Parameters: id, window start, chunk, chunk. Hits only ever move to a later window,
        // whatever an instance's clock says.
        hitSql = "INSERT INTO " + usage + " AS u (key_id, window_start, hits) VALUES (?, ?, ?)"
                + " ON CONFLICT (key_id) DO UPDATE SET"
                + " hits = CASE WHEN u.window_start >= EXCLUDED.window_start THEN u.hits + ? ELSE EXCLUDED.hits END,"
                + " window_start = GREATEST(u.window_start, EXCLUDED.window_start)";
        findSql = "SELECT " + COLUMNS + " FROM " + table + " WHERE id = ?";
        countRecentSql = "SELECT count(*) FROM " + table + " WHERE user_id = ? AND created_at > ?";
        refundSql = "UPDATE " + table + " SET credits = CASE WHEN refill_amount IS NOT NULL AND credits + ? > refill_amount"
                + " THEN refill_amount ELSE credits + ? END WHERE id = ? AND credits IS NOT NULL";
        // Parameters: budget, now, then window and now twice: a window that has ended starts afresh.
        countFailedSql = "INSERT INTO " + name("failed") + " AS f (budget, window_start, hits) VALUES (?, ?, 1)"
                + " ON CONFLICT (budget) DO UPDATE SET hits = CASE WHEN f.window_start + ? > ? THEN f.hits + 1 ELSE 1 END,"
                + " window_start = CASE WHEN f.window_start + ? > ? THEN f.window_start ELSE EXCLUDED.window_start END"
                + " RETURNING hits, window_start";
        countActiveSql = "SELECT count(*) FROM " + table
                + " WHERE user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)";
        updateExpirySql = "UPDATE " + table + " SET expires_at = ? WHERE id = ? AND revoked_at IS NULL";
        // The key and everything minted from it, however deep; revoked keys are walked through, not re-stamped.
        revokeTreeSql = "WITH RECURSIVE tree(id) AS (SELECT id FROM " + table + " WHERE id = ?"
                + " UNION SELECT k.id FROM " + table + " k JOIN tree ON k.created_by = tree.id)"
                + " UPDATE " + table + " SET revoked_at = ? WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL"
                + " RETURNING id";
        deleteSql = "DELETE FROM " + table + " WHERE id = ?";
        replaceHashSql = "UPDATE " + table + " SET secret_hash = ?, pepper_id = ? WHERE id = ? AND secret_hash = ?";
        recentPepperIdsSql = "SELECT pepper_id FROM " + table + " WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT ?";
        endSql = "UPDATE " + table + " SET expires_at = ?, revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
        adoptSql = "UPDATE " + table + " SET created_by = ? WHERE created_by = ?";
        touchSql = "UPDATE " + table + " SET last_used_at = ?, last_used_ip = ? WHERE id = ? AND revoked_at IS NULL"
                + " AND (last_used_at IS NULL OR last_used_at < ?)";
    }

    @Override
    public void migrate() {
        String integer = dialect.integer;
        // Columns pkauth added to Pylon's nine, in the order they came: a new table is created with
        // all of them, an older one gains those it lacks.
        String[][] added = {
            {"revoked_at", integer}, {"created_by", "TEXT"},
            {"rate_limit", "INTEGER"}, {"rate_window", "INTEGER"}, {"credits", integer}, {"refill_amount", integer},
            {"refill_interval", integer}, {"last_refill_at", integer},
            {"disabled_at", integer}, {"disabled_via", "TEXT"}, {"metadata", "TEXT"}, {"allowed_ips", "TEXT"},
            {"last_used_ip", "TEXT"}, {"pepper_id", "TEXT"}, {"id_tagged", "INTEGER"},
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
            if (dialect == Dialect.POSTGRESQL) {
                // Instances starting together would race to add the same column or trigger.
                s.execute("SELECT pg_advisory_xact_lock(hashtextextended('pkauth-migrate:" + table + "', 0))");
            }
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
            s.execute("CREATE INDEX IF NOT EXISTS " + name("disabled_via_idx") + " ON " + table + " (disabled_via)");
            String audit = name("audit");
            s.execute("CREATE TABLE IF NOT EXISTS " + audit + " ("
                    + (dialect == Dialect.POSTGRESQL ? "id BIGSERIAL PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT")
                    + ", at " + integer + " NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, key_id TEXT, user_id TEXT,"
                    + " detail TEXT)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("audit_key_idx") + " ON " + audit + " (key_id, id)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("audit_user_idx") + " ON " + audit + " (user_id, id)");
            s.execute("CREATE INDEX IF NOT EXISTS " + name("audit_at_idx") + " ON " + audit + " (at)");
            if (dialect == Dialect.POSTGRESQL) {
                // Rate-limit windows every instance shares: one row per limited key.
                s.execute("CREATE TABLE IF NOT EXISTS " + name("usage")
                        + " (key_id TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits BIGINT NOT NULL)");
                // Rejected keys per client address, shared by every instance: one row per address
                // with a rejection in its window; ended windows are deleted as instances go.
                s.execute("CREATE TABLE IF NOT EXISTS " + name("failed")
                        + " (budget TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits BIGINT NOT NULL)");
                s.execute("CREATE INDEX IF NOT EXISTS " + name("failed_window_idx") + " ON " + name("failed") + " (window_start)");
            }
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
            if (dialect == Dialect.POSTGRESQL) installNotifyTrigger(c, s);
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

    String changeTable() {
        return name("changes");
    }

    /** {@code <table>_<suffix>}, the table part shortened so the name fits PostgreSQL's 63 characters. */
    private String name(String suffix) {
        int room = 63 - suffix.length() - 1;
        return (table.length() > room ? table.substring(0, room) : table) + "_" + suffix;
    }

    private Set<String> columnsOf(Connection c) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) names.add(md.getColumnName(i).toLowerCase(Locale.ROOT));
        }
        return names;
    }

    @Override
    public Optional<KeyRecord> create(KeyRecord draft, long now, int maxActive,
            java.util.function.LongFunction<RuntimeException> tooFast, BinaryOperator<KeyRecord> fit, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            KeyRecord parent = draft.createdBy() == null ? null : lockActiveParent(c, draft.createdBy());
            KeyRecord row = fit.apply(parent, draft);
            if (dialect == Dialect.POSTGRESQL) {
                // Serialises creates of one user across processes, so the count below stays exact.
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                    ps.setString(1, table + ":" + row.userId()); // unambiguous: a table name has no colon
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(countActiveSql)) {
                ps.setString(1, row.userId());
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= maxActive) return Optional.<KeyRecord>empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(countRecentSql)) {
                ps.setString(1, row.userId());
                ps.setLong(2, now - CREATION_WINDOW_SECONDS);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= (long) CREATIONS_PER_HOUR_PER_ACTIVE * maxActive) throw tooFast.apply(rs.getLong(1));
                }
            }
            insert(c, row);
            appendAudit(c, audit);
            return Optional.of(row);
        }), "create a key");
    }

    /**
     * The parent row if it is unrevoked, locked until commit so that a concurrent revoke of it
     * waits for this insert (and then revokes the new key too) or makes this insert see it revoked.
     */
    private KeyRecord lockActiveParent(Connection c, String parentId) throws SQLException {
        // FOR NO KEY UPDATE, not FOR SHARE: share lockers that overlap one another never release
        // the row, so a key minting in a loop starved a disable or revoke of its parent until the
        // statement timeout. This lock queues fairly with theirs, and costs no concurrency: creates
        // of one user are serialised by the advisory lock below anyway.
        String sql = findSql + (dialect == Dialect.POSTGRESQL ? " FOR NO KEY UPDATE" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                KeyRecord parent = row(rs);
                return parent.revokedAt() == null ? parent : null;
            }
        }
    }

    private void insert(Connection c, KeyRecord k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            ps.setString(1, k.id());
            ps.setString(2, k.userId());
            ps.setString(3, k.name());
            ps.setString(4, k.prefix());
            ps.setString(5, k.secretHash());
            ps.setString(6, k.scopesColumn());
            setLong(ps, 7, k.expiresAt());
            setLong(ps, 8, k.lastUsedAt());
            ps.setLong(9, k.createdAt());
            setLong(ps, 10, k.revokedAt());
            ps.setString(11, k.createdBy());
            dev.pkauth.UsageLimits l = k.limits();
            setLong(ps, 12, l.rateLimit() == null ? null : (long) l.rateLimit().requests());
            setLong(ps, 13, l.rateLimit() == null ? null : l.rateLimit().window().toSeconds());
            setLong(ps, 14, l.credits());
            setLong(ps, 15, l.refill() == null ? null : l.refill().amount());
            setLong(ps, 16, l.refill() == null ? null : l.refill().interval().toSeconds());
            setLong(ps, 17, k.lastRefillAt());
            KeyRecord.Ops o = k.ops();
            setLong(ps, 18, o.disabledAt());
            ps.setString(19, o.disabledVia());
            ps.setString(20, o.metadata());
            ps.setString(21, o.allowedIps());
            ps.setString(22, o.lastUsedIp());
            ps.setString(23, k.pepperId());
            setLong(ps, 24, tagging ? 1L : null);
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<KeyRecord> find(String id) {
        try (Connection c = lookups.getConnection(); PreparedStatement ps = c.prepareStatement(findSql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw unavailable("look up a key", e);
        }
    }

    @Override
    public boolean updateExpiry(String id, Long expiresAt, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(updateExpirySql)) {
                setLong(ps, 1, expiresAt);
                ps.setString(2, id);
                return audited(c, ps.executeUpdate() == 1, audit);
            }
        }), "change a key's expiry");
    }

    /** Appends {@code audit} when {@code changed}; returns {@code changed}. */
    private boolean audited(Connection c, boolean changed, AuditRecord audit) throws SQLException {
        if (changed) appendAudit(c, audit);
        return changed;
    }

    private void appendAudit(Connection c, AuditRecord a) throws SQLException {
        if (a == null) return;
        appendAll(c, List.of(a));
    }

    /** Inserts the records in one batch; a record without a user gets its key's (the row must still exist). */
    private void appendAll(Connection c, List<AuditRecord> records) throws SQLException {
        if (records.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + name("audit")
                + " (at, actor, action, key_id, user_id, detail) VALUES (?, ?, ?, ?, coalesce(?, (SELECT user_id FROM "
                + table + " WHERE id = ?)), ?)")) {
            for (AuditRecord a : records) {
                ps.setLong(1, a.at());
                ps.setString(2, a.actor());
                ps.setString(3, a.action());
                ps.setString(4, a.keyId());
                ps.setString(5, a.userId());
                ps.setString(6, a.keyId());
                ps.setString(7, a.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Runs one UPDATE … RETURNING id (parameters bound by {@code bind}) and collects the ids. */
    private static List<String> returningIds(Connection c, String sql, SqlBinder bind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> ids = new ArrayList<>();
                while (rs.next()) ids.add(rs.getString(1));
                return ids;
            }
        }
    }

    /** {@code ?, ?, …}: {@code n} parameters for an {@code IN (…)} list. */
    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    @FunctionalInterface
    private interface SqlBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @Override
    public List<String> revokeTree(String id, long revokedAt, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            List<String> revoked = new ArrayList<>();
            // On PostgreSQL, a key minted concurrently from a key in the tree holds a lock on its
            // parent row that the first pass waits for; the next pass (a new snapshot) then sees it.
            // Passes repeat until one revokes nothing.
            List<String> pass;
            do {
                pass = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(revokeTreeSql)) {
                    ps.setString(1, id);
                    ps.setLong(2, revokedAt);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) pass.add(rs.getString(1));
                    }
                }
                revoked.addAll(pass);
            } while (!pass.isEmpty() && dialect == Dialect.POSTGRESQL);
            if (!revoked.isEmpty()) appendAll(c, audit.cascade("{\"revoked\":" + revoked.size() + "}", revoked, audit.via()));
            return List.copyOf(revoked);
        }), "revoke a key");
    }

    @Override
    public boolean delete(String id, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            String user = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT user_id FROM " + table + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) user = rs.getString(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(deleteSql)) {
                ps.setString(1, id);
                return audited(c, ps.executeUpdate() == 1, audit.withUserId(user));
            }
        }), "purge a key");
    }

    @Override
    public void replaceHash(String id, String expectedHash, String newHash, String pepperId) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(replaceHashSql)) {
                ps.setString(1, newHash);
                ps.setString(2, pepperId);
                ps.setString(3, id);
                ps.setString(4, expectedHash);
                return ps.executeUpdate();
            }
        }, "re-hash a key under the current pepper");
    }

    /** The meta row holding the id tag key. */
    private static final String TAG_KEY = "id_tag_key";

    /** Whether this repository's store mints tagged ids (it read a tag key): rows it inserts say so. */
    private volatile boolean tagging;

    @Override
    public IdTags idTags() {
        try {
            IdTags tags = read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT value FROM " + name("meta") + " WHERE name = ?")) {
                    ps.setString(1, TAG_KEY);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? IdTags.fromText(rs.getString(1)) : IdTags.NONE;
                    }
                }
            }, "read the id tag key");
            tagging = tags.enabled();
            return tags;
        } catch (dev.pkauth.StoreUnavailableException e) {
            // A table nobody migrated (no meta table yet): ids are looked up as before.
            log.debug("pkauth: no id tag key for {}: {}", table, e.getMessage());
            return IdTags.NONE;
        }
    }

    @Override
    public boolean hasUntaggedKeys() {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE id_tagged IS NULL LIMIT 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }, "look for keys without an id tag");
    }

    @Override
    public List<String> recentPepperIds(int limit) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(recentPepperIdsSql)) {
                ps.setInt(1, limit);
                List<String> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
                return ids;
            }
        }, "read the newest keys' pepper fingerprints");
    }

    @Override
    public boolean rotate(String oldId, Long oldExpiresAt, Long oldRevokedAt, KeyRecord replacement, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement end = c.prepareStatement(endSql)) {
                setLong(end, 1, oldExpiresAt);
                setLong(end, 2, oldRevokedAt);
                end.setString(3, oldId);
                if (end.executeUpdate() != 1) return false;
            }
            insert(c, replacement);
            try (PreparedStatement adopt = c.prepareStatement(adoptSql)) {
                adopt.setString(1, replacement.id());
                adopt.setString(2, oldId);
                adopt.executeUpdate();
            }
            appendAudit(c, audit);
            appendAudit(c, audit.onSuccessor(replacement.id()));
            return true;
        }), "rotate a key");
    }

    @Override
    public void touch(Map<String, TouchWriter.Touch> lastUsedById) {
        if (lastUsedById.isEmpty()) return;
        write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(touchSql)) {
                for (Map.Entry<String, TouchWriter.Touch> e : lastUsedById.entrySet()) {
                    ps.setLong(1, e.getValue().at());
                    ps.setString(2, e.getValue().ip());
                    ps.setString(3, e.getKey());
                    ps.setLong(4, e.getValue().at());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        }), "record key use");
    }

    @Override
    public Spend spend(List<String> ids, long cost, long now) {
        if (ids.size() == 1) {
            // The common case, a key minted by no metered key: one statement, no transaction.
            return write(lookups, c -> spendOne(c, ids.get(0), cost, now), "spend credits");
        }
        // A key and the metered keys above it: all charged in one transaction, or none (the
        // rollback undoes the ones charged before the key that had too few).
        return write(lookups, c -> {
            try {
                return inTransaction(c, () -> {
                    Long fewest = null;
                    for (String id : ids) {
                        Spend one = spendOne(c, id, cost, now);
                        if (!one.spent()) throw new NotSpent(one);
                        fewest = fewest == null ? one.remaining() : Math.min(fewest, one.remaining());
                    }
                    return new Spend(true, fewest, null);
                });
            } catch (NotSpent e) {
                return e.spend;
            }
        }, "spend credits");
    }

    /** Unwinds {@link #inTransaction} (rolling it back) when one key of a chain had too few credits. */
    private static final class NotSpent extends RuntimeException {
        private final transient Spend spend;

        NotSpent(Spend spend) {
            super(null, null, false, false);
            this.spend = spend;
        }
    }

    private Spend spendOne(Connection c, String id, long cost, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(spendSql + " RETURNING credits")) {
            bindSpend(ps, 1, id, cost, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Spend(true, rs.getLong(1), null) : new Spend(false, null, id);
            }
        }
    }

    private static int bindSpend(PreparedStatement ps, int from, String id, long cost, long now) throws SQLException {
        int i = from;
        ps.setLong(i++, now);
        ps.setLong(i++, cost);
        ps.setLong(i++, now);
        ps.setLong(i++, now);
        ps.setLong(i++, now);
        ps.setString(i++, id);
        ps.setLong(i++, now);
        ps.setLong(i++, cost);
        return i;
    }

    @Override
    public void refund(List<String> ids, long credits) {
        write(lookups, c -> {
            try (PreparedStatement ps = c.prepareStatement(refundSql)) {
                for (String id : ids) {
                    ps.setLong(1, credits);
                    ps.setLong(2, credits);
                    ps.setString(3, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        }, "refund credits");
    }

    @Override
    public Long secondsToRefill(String id, long now) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT refill_interval, coalesce(last_refill_at, created_at) FROM "
                    + table + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return null;
                    Long interval = getLong(rs, 1);
                    return interval == null ? null : Math.max(1, rs.getLong(2) + interval - now);
                }
            }
        }, "read a key's refill");
    }

    @Override
    public boolean setLimits(String id, dev.pkauth.UsageLimits l, long now, AuditRecord audit) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(setLimitsSql)) {
                setLong(ps, 1, l.rateLimit() == null ? null : (long) l.rateLimit().requests());
                setLong(ps, 2, l.rateLimit() == null ? null : l.rateLimit().window().toSeconds());
                setLong(ps, 3, l.credits());
                setLong(ps, 4, l.refill() == null ? null : l.refill().amount());
                setLong(ps, 5, l.refill() == null ? null : l.refill().interval().toSeconds());
                setLong(ps, 6, l.refill() == null ? null : now);
                ps.setString(7, id);
                return audited(c, ps.executeUpdate() == 1, audit);
            }
        }), "set a key's limits");
    }

    @Override
    public List<String> disableTree(String id, long at, String via, AuditRecord audit) {
        // The walk starts only from an unrevoked key that is not disabled yet: otherwise nothing changes.
        String walk = "WITH RECURSIVE tree(id) AS (SELECT id FROM " + table + " WHERE id = ? AND revoked_at IS NULL";
        String rest = " UNION SELECT k.id FROM " + table + " k JOIN tree ON k.created_by = tree.id)"
                + " UPDATE " + table + " SET disabled_at = ?, disabled_via = ? WHERE id IN (SELECT id FROM tree)"
                + " AND disabled_at IS NULL AND revoked_at IS NULL RETURNING id";
        String first = walk + " AND disabled_at IS NULL" + rest;
        // Later passes walk from the (now disabled) key again: on PostgreSQL a key minted from the
        // tree concurrently holds its parent's row lock, which the first pass waited for without
        // seeing the new row (its snapshot was older); the next statement's snapshot sees it.
        String again = walk + rest;
        return write(c -> inTransaction(c, () -> {
            SqlBinder bind = ps -> {
                ps.setString(1, id);
                ps.setLong(2, at);
                ps.setString(3, via);
            };
            List<String> ids = new ArrayList<>(returningIds(c, first, bind));
            if (!ids.isEmpty() && dialect == Dialect.POSTGRESQL) {
                List<String> pass;
                do {
                    pass = returningIds(c, again, bind);
                    ids.addAll(pass);
                } while (!pass.isEmpty());
            }
            if (!ids.isEmpty()) appendAll(c, audit.cascade("{\"disabled\":" + ids.size() + "}", ids, audit.via()));
            return ids;
        }), "disable a key");
    }

    @Override
    public List<String> enableTree(String id, List<String> vias, AuditRecord audit) {
        String ancestorDisabled = "WITH RECURSIVE up(id, created_by, disabled_at) AS (SELECT id, created_by, disabled_at FROM "
                + table + " WHERE id = ? UNION ALL SELECT k.id, k.created_by, k.disabled_at FROM " + table
                + " k JOIN up ON k.id = up.created_by) SELECT 1 FROM up WHERE id <> ? AND disabled_at IS NOT NULL LIMIT 1";
        String sql = "UPDATE " + table + " SET disabled_at = NULL, disabled_via = NULL WHERE disabled_via IN ("
                + placeholders(vias.size()) + ") RETURNING id";
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(ancestorDisabled)) {
                ps.setString(1, id);
                ps.setString(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return List.<String>of();
                }
            }
            List<String> ids = returningIds(c, sql, ps -> {
                for (int i = 0; i < vias.size(); i++) ps.setString(i + 1, vias.get(i));
            });
            if (!ids.isEmpty()) appendAll(c, audit.cascade("{\"enabled\":" + ids.size() + "}", ids, audit.via()));
            return ids;
        }), "enable a key");
    }

    @Override
    public boolean setMetadata(String id, String json, AuditRecord audit) {
        return setColumn("metadata", id, json, audit, "set a key's metadata");
    }

    @Override
    public boolean setAllowedIps(String id, String cidrs, AuditRecord audit) {
        return setColumn("allowed_ips", id, cidrs, audit, "set a key's allowed addresses");
    }

    private boolean setColumn(String column, String id, String value, AuditRecord audit, String what) {
        return write(c -> inTransaction(c, () -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + column + " = ? WHERE id = ?"
                    + " AND revoked_at IS NULL")) {
                ps.setString(1, value);
                ps.setString(2, id);
                return audited(c, ps.executeUpdate() == 1, audit);
            }
        }), what);
    }

    @Override
    public List<String> revokeAll(String userId, long at, AuditRecord audit) {
        String sql = "UPDATE " + table + " SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL RETURNING id";
        return write(c -> inTransaction(c, () -> {
            List<String> ids = returningIds(c, sql, ps -> {
                ps.setLong(1, at);
                ps.setString(2, userId);
            });
            appendAll(c, audit.cascade("{\"revoked\":" + ids.size() + "}", ids, null));
            return ids;
        }), "revoke a user's keys");
    }

    /** The WHERE clause of a filter, and its parameters in order. */
    private record Where(String sql, List<Object> params) {}

    private static Where where(KeyFilter f) {
        StringBuilder w = new StringBuilder(" WHERE 1 = 1");
        List<Object> p = new ArrayList<>();
        if (f.userId() != null) {
            w.append(" AND user_id = ?");
            p.add(f.userId());
        }
        if (f.status() != null) {
            switch (f.status()) {
                case "revoked" -> w.append(" AND revoked_at IS NOT NULL");
                case "unrevoked" -> w.append(" AND revoked_at IS NULL");
                case "disabled" -> w.append(" AND revoked_at IS NULL AND disabled_at IS NOT NULL");
                case "expired" -> {
                    w.append(" AND revoked_at IS NULL AND disabled_at IS NULL AND expires_at <= ?");
                    p.add(f.now());
                }
                case "active" -> {
                    w.append(" AND revoked_at IS NULL AND disabled_at IS NULL AND (expires_at IS NULL OR expires_at > ?)");
                    p.add(f.now());
                }
                default -> throw new IllegalArgumentException("unknown status " + f.status());
            }
        }
        if (f.expiringBefore() != null) {
            w.append(" AND revoked_at IS NULL AND expires_at > ? AND expires_at <= ?");
            p.add(f.now());
            p.add(f.expiringBefore());
        }
        if (f.unusedBefore() != null) {
            w.append(" AND revoked_at IS NULL AND coalesce(last_used_at, created_at) < ?");
            p.add(f.unusedBefore());
        }
        return new Where(w.toString(), p);
    }

    private static int bind(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object o : params) {
            if (o instanceof Long l) ps.setLong(i++, l);
            else ps.setString(i++, (String) o);
        }
        return i;
    }

    @Override
    public List<KeyRecord> query(KeyFilter filter, int limit, Long afterCreatedAt, String afterId) {
        Where w = where(filter);
        String sql = "SELECT " + COLUMNS + " FROM " + table + w.sql()
                + (afterId == null ? "" : " AND (created_at < ? OR (created_at = ? AND id < ?))")
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = bind(ps, w.params());
                if (afterId != null) {
                    ps.setLong(i++, afterCreatedAt);
                    ps.setLong(i++, afterCreatedAt);
                    ps.setString(i++, afterId);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<KeyRecord> out = new ArrayList<>();
                    while (rs.next()) out.add(row(rs));
                    return List.copyOf(out);
                }
            }
        }, "query keys");
    }

    @Override
    public long count(KeyFilter filter) {
        Where w = where(filter);
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + w.sql())) {
                bind(ps, w.params());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }, "count keys");
    }

    /** The plan the database chooses for a filter's first page, for tests and docs (EXPLAIN). */
    public String explain(KeyFilter filter) {
        Where w = where(filter);
        String sql = (dialect == Dialect.POSTGRESQL ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + "SELECT " + COLUMNS + " FROM "
                + table + w.sql() + " ORDER BY created_at DESC, id DESC LIMIT 100";
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, w.params());
                try (ResultSet rs = ps.executeQuery()) {
                    StringBuilder b = new StringBuilder();
                    int column = dialect == Dialect.POSTGRESQL ? 1 : 4;
                    while (rs.next()) b.append(rs.getString(column)).append('\n');
                    return b.toString();
                }
            }
        }, "explain a query");
    }

    @Override
    public List<String> revokeUnused(long cutoff, long at, int batch, AuditRecord audit) {
        String sql = "UPDATE " + table + " SET revoked_at = ? WHERE id IN (SELECT id FROM " + table
                + " WHERE revoked_at IS NULL AND coalesce(last_used_at, created_at) < ?"
                // Oldest first, along the partial index: each batch is an index range scan.
                + " ORDER BY coalesce(last_used_at, created_at) LIMIT ?) AND revoked_at IS NULL"
                + " RETURNING id";
        return write(c -> inTransaction(c, () -> {
            List<String> ids = returningIds(c, sql, ps -> {
                ps.setLong(1, at);
                ps.setLong(2, cutoff);
                ps.setInt(3, batch);
            });
            if (!ids.isEmpty()) {
                appendAll(c, audit.cascade("{\"revoked\":" + ids.size() + ",\"unused_before\":" + cutoff + "}", ids,
                        "{\"unused_before\":" + cutoff + "}"));
            }
            return ids;
        }), "sweep unused keys");
    }

    private static final String PURGEABLE = " WHERE revoked_at < ? OR (revoked_at IS NULL AND expires_at < ?)";

    @Override
    public long countPurgeable(long cutoff) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table + PURGEABLE)) {
                ps.setLong(1, cutoff);
                ps.setLong(2, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }, "count purgeable keys");
    }

    @Override
    public int purgeBatch(long cutoff, int batch, AuditRecord audit) {
        String select = "SELECT id FROM " + table + PURGEABLE + " LIMIT ?";
        return write(c -> inTransaction(c, () -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(select)) {
                ps.setLong(1, cutoff);
                ps.setLong(2, cutoff);
                ps.setInt(3, batch);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) ids.add(rs.getString(1));
                }
            }
            if (ids.isEmpty()) return 0;
            // Each key's own row first, while its user can still be read from it.
            appendAll(c, audit.each(ids, "{\"ended_before\":" + cutoff + "}"));
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE id IN ("
                    + placeholders(ids.size()) + ")")) {
                for (int i = 0; i < ids.size(); i++) ps.setString(i + 1, ids.get(i));
                n = ps.executeUpdate();
            }
            appendAudit(c, audit.withDetail("{\"deleted\":" + n + ",\"ended_before\":" + cutoff + "}"));
            return n;
        }), "purge old keys");
    }

    @Override
    public List<dev.pkauth.AuditEvent> audit(String keyId, String userId, Long since, int limit, Long beforeId) {
        StringBuilder sql = new StringBuilder("SELECT id, at, actor, action, key_id, user_id, detail FROM " + name("audit")
                + " WHERE 1 = 1");
        List<Object> p = new ArrayList<>();
        if (keyId != null) {
            sql.append(" AND key_id = ?");
            p.add(keyId);
        }
        if (userId != null) {
            sql.append(" AND user_id = ?");
            p.add(userId);
        }
        if (since != null) {
            sql.append(" AND at >= ?");
            p.add(since);
        }
        if (beforeId != null) {
            sql.append(" AND id < ?");
            p.add(beforeId);
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = bind(ps, p);
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    List<dev.pkauth.AuditEvent> out = new ArrayList<>();
                    while (rs.next()) {
                        out.add(new dev.pkauth.AuditEvent(rs.getLong(1), java.time.Instant.ofEpochSecond(rs.getLong(2)),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                    return List.copyOf(out);
                }
            }
        }, "read the audit log");
    }

    @Override
    public boolean sharesWindows() {
        return dialect == Dialect.POSTGRESQL;
    }

    @Override
    public long leaseHits(String id, long windowStart, long chunk) {
        return write(lookups, c -> {
            try (PreparedStatement ps = c.prepareStatement(hitSql + " RETURNING hits")) {
                ps.setString(1, id);
                ps.setLong(2, windowStart);
                ps.setLong(3, chunk);
                ps.setLong(4, chunk);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }, "count a key's rate-limit window");
    }

    /** When this instance last deleted ended failed-auth windows (Unix seconds). */
    private final java.util.concurrent.atomic.AtomicLong prunedFailedAt = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public FailedCount countFailed(String budget, long now, long windowSeconds) {
        if (dialect != Dialect.POSTGRESQL) return null;
        long last = prunedFailedAt.get();
        boolean prune = now - last >= windowSeconds && prunedFailedAt.compareAndSet(last, now);
        return write(lookups, c -> {
            if (prune) {
                // Bounded: once a window per instance, along the index.
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + name("failed") + " WHERE window_start <= ?")) {
                    ps.setLong(1, now - windowSeconds);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(countFailedSql)) {
                ps.setString(1, budget);
                ps.setLong(2, now);
                ps.setLong(3, windowSeconds);
                ps.setLong(4, now);
                ps.setLong(5, windowSeconds);
                ps.setLong(6, now);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new FailedCount(rs.getLong(1), rs.getLong(2) + windowSeconds);
                }
            }
        }, "count a client's rejected keys");
    }

    /** PostgreSQL channel that carries ids of changed keys to every process sharing the table. */
    private String channel() {
        String name = "pkauth_" + table.toLowerCase(Locale.ROOT);
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    @Override
    public AutoCloseable watch(java.util.function.Consumer<String> changed, Runnable changedAll) {
        ChangeWatcher watcher = dialect == Dialect.POSTGRESQL
                ? new ChangeWatcher.Notifications(lookups, channel(), changed, changedAll)
                : new ChangeWatcher.ChangeLog(lookups, changeTable(), changed, changedAll);
        watcher.start();
        return watcher;
    }

    @Override
    public String toString() {
        return "JdbcKeyRepository[" + dialect + ", table=" + table + "]";
    }

    private static KeyRecord row(ResultSet rs) throws SQLException {
        return new KeyRecord(
                rs.getString(1),
                rs.getString(2),
                nullToEmpty(rs.getString(3)),
                nullToEmpty(rs.getString(4)),
                rs.getString(5),
                KeyRecord.parseScopes(rs.getString(6)),
                getLong(rs, 7),
                getLong(rs, 8),
                rs.getLong(9),
                getLong(rs, 10),
                rs.getString(11),
                limits(getLong(rs, 12), getLong(rs, 13), getLong(rs, 14), getLong(rs, 15), getLong(rs, 16)),
                getLong(rs, 17),
                new KeyRecord.Ops(getLong(rs, 18), rs.getString(19), rs.getString(20), rs.getString(21), rs.getString(22)),
                rs.getString(23));
    }

    /** Limits as stored; a half-set pair (a limit without its window) reads as no limit rather than failing verification. */
    private static dev.pkauth.UsageLimits limits(Long rate, Long window, Long credits, Long refillAmount, Long refillInterval) {
        dev.pkauth.UsageLimits.RateLimit r = rate != null && window != null && rate >= 1 && window >= 1
                ? new dev.pkauth.UsageLimits.RateLimit((int) Math.min(rate, Integer.MAX_VALUE), java.time.Duration.ofSeconds(window))
                : null;
        Long c = credits == null ? null : Math.max(0, credits);
        dev.pkauth.UsageLimits.Refill f = c != null && refillAmount != null && refillInterval != null && refillAmount >= 1
                && refillInterval >= 1 ? new dev.pkauth.UsageLimits.Refill(refillAmount, java.time.Duration.ofSeconds(refillInterval))
                : null;
        return r == null && c == null ? dev.pkauth.UsageLimits.NONE : new dev.pkauth.UsageLimits(r, c, f);
    }
}
