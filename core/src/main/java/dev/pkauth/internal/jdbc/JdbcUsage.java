package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.store.UsageCounters;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What metering writes: credits spent and refunded (one conditional UPDATE each, exact across
 * processes), and on PostgreSQL the rate windows and rejected-key budgets every instance shares.
 * On the verification connections, so metering never waits behind management calls.
 */
final class JdbcUsage extends JdbcBase {
    /** Credits refilled when due, as one expression; {@code ?} is now. */
    private static final String REFILL_DUE =
            "(refill_interval IS NOT NULL AND ? >= coalesce(last_refill_at, created_at) + refill_interval)";
    private final DataSource lookups;
    private final String spendSql;
    private final String refundSql;
    private final String hitSql;
    private final String countFailedSql;

    JdbcUsage(JdbcBase same, DataSource lookups) {
        super(same);
        this.lookups = lookups;
        // Parameters: now, cost, now, now, now, id, now, cost.
        spendSql = "UPDATE " + table + " SET credits = CASE WHEN " + REFILL_DUE + " THEN refill_amount ELSE credits END - ?,"
                + " last_refill_at = CASE WHEN " + REFILL_DUE + " THEN ? - ((? - coalesce(last_refill_at, created_at))"
                + " % refill_interval) ELSE last_refill_at END"
                + " WHERE id = ? AND credits IS NOT NULL AND CASE WHEN " + REFILL_DUE
                + " THEN refill_amount ELSE credits END >= ?";
        String usage = name("usage");
        // Parameters: id, window start, chunk, chunk. Hits only ever move to a later window,
        // whatever an instance's clock says.
        hitSql = "INSERT INTO " + usage + " AS u (key_id, window_start, hits) VALUES (?, ?, ?)"
                + " ON CONFLICT (key_id) DO UPDATE SET"
                + " hits = CASE WHEN u.window_start >= EXCLUDED.window_start THEN u.hits + ? ELSE EXCLUDED.hits END,"
                + " window_start = GREATEST(u.window_start, EXCLUDED.window_start)";
        refundSql = "UPDATE " + table + " SET credits = CASE WHEN refill_amount IS NOT NULL AND credits + ? > refill_amount"
                + " THEN refill_amount ELSE credits + ? END WHERE id = ? AND credits IS NOT NULL";
        // Parameters: budget, now, then window and now twice: a window that has ended starts afresh.
        countFailedSql = "INSERT INTO " + name("failed") + " AS f (budget, window_start, hits) VALUES (?, ?, 1)"
                + " ON CONFLICT (budget) DO UPDATE SET hits = CASE WHEN f.window_start + ? > ? THEN f.hits + 1 ELSE 1 END,"
                + " window_start = CASE WHEN f.window_start + ? > ? THEN f.window_start ELSE EXCLUDED.window_start END"
                + " RETURNING hits, window_start";
    }

    UsageCounters.Spend spend(List<String> ids, long cost, long now) {
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
                        UsageCounters.Spend one = spendOne(c, id, cost, now);
                        if (!one.spent()) throw new NotSpent(one);
                        Long left = java.util.Objects.requireNonNull(one.remaining(), "spent credits leave a count");
                        fewest = fewest == null ? left : Math.min(fewest, left);
                    }
                    return new UsageCounters.Spend(true, fewest, null);
                });
            } catch (NotSpent e) {
                return e.spend;
            }
        }, "spend credits");
    }

    /** Unwinds {@link #inTransaction} (rolling it back) when one key of a chain had too few credits. */
    private static final class NotSpent extends RuntimeException {
        private final transient UsageCounters.Spend spend;

        NotSpent(UsageCounters.Spend spend) {
            super(null, null, false, false);
            this.spend = spend;
        }
    }

    private UsageCounters.Spend spendOne(Connection c, String id, long cost, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(spendSql + " RETURNING credits")) {
            bindSpend(ps, 1, id, cost, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new UsageCounters.Spend(true, rs.getLong(1), null) : new UsageCounters.Spend(false, null, id);
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

    void refund(List<String> ids, long credits) {
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
            return Boolean.TRUE;
        }, "refund credits");
    }

    @Nullable Long secondsToRefill(String id, long now) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT refill_interval, coalesce(last_refill_at, created_at) FROM "
                    + table + " WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.<Long>empty();
                    Long interval = getLong(rs, 1);
                    return Optional.ofNullable(interval == null ? null : Math.max(1, rs.getLong(2) + interval - now));
                }
            }
        }, "read a key's refill").orElse(null);
    }

    boolean sharesWindows() {
        return dialect.sharedByProcesses();
    }

    long leaseHits(String id, long windowStart, long chunk) {
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

    UsageCounters.@Nullable FailedCount countFailed(String budget, long now, long windowSeconds) {
        if (!dialect.sharedByProcesses()) return null;
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
                    return new UsageCounters.FailedCount(rs.getLong(1), rs.getLong(2) + windowSeconds);
                }
            }
        }, "count a client's rejected keys");
    }
}
