package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.Nullable;

import dev.pkauth.internal.store.KeyRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A key row's columns and how they are read, and the statement helpers the parts of the repository share. */
final class Rows {
    private Rows() {}

    /** Every column of a key row, in the order {@link #row} reads them. */
    static final String COLUMNS =
            "id, user_id, name, prefix, secret_hash, scopes, expires_at, last_used_at, created_at, revoked_at, created_by,"
            + " rate_limit, rate_window, credits, refill_amount, refill_interval, last_refill_at,"
            + " disabled_at, disabled_via, metadata, allowed_ips, last_used_ip, pepper_id, created_actor, rotated_to";
    /** The key row {@code sql} (one parameter) finds, read through {@code pool}: a verification's lookup. */
    static java.util.Optional<KeyRecord> findOne(JdbcBase base, javax.sql.DataSource pool, String sql, String value) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(row(rs)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw base.unavailable("look up a key", e);
        }
    }

    /** Runs one UPDATE … RETURNING id (parameters bound by {@code bind}) and collects the ids. */
    static List<String> returningIds(Connection c, String sql, SqlBinder bind) throws SQLException {
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
    static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    @FunctionalInterface
    interface SqlBinder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    /** Binds {@code params} (longs and strings) from the first parameter on; returns the next index. */
    static int bind(PreparedStatement ps, List<Object> params) throws SQLException {
        int i = 1;
        for (Object o : params) {
            if (o instanceof Long l) ps.setLong(i++, l);
            else ps.setString(i++, (String) o);
        }
        return i;
    }

    /** Binds every column of {@link #COLUMNS} from the first parameter on, in that order; returns the next index. */
    static int bindRow(PreparedStatement ps, KeyRecord k) throws SQLException {
        ps.setString(1, k.id());
        ps.setString(2, k.userId());
        ps.setString(3, k.name());
        ps.setString(4, k.prefix());
        ps.setString(5, k.secretHash());
        ps.setString(6, k.scopesColumn());
        JdbcBase.setLong(ps, 7, k.expiresAt());
        JdbcBase.setLong(ps, 8, k.lastUsedAt());
        ps.setLong(9, k.createdAt());
        JdbcBase.setLong(ps, 10, k.revokedAt());
        ps.setString(11, k.createdBy());
        dev.pkauth.UsageLimits l = k.limits();
        JdbcBase.setLong(ps, 12, l.rateLimit() == null ? null : (long) l.rateLimit().requests());
        JdbcBase.setLong(ps, 13, l.rateLimit() == null ? null : l.rateLimit().window().toSeconds());
        JdbcBase.setLong(ps, 14, l.credits());
        JdbcBase.setLong(ps, 15, l.refill() == null ? null : l.refill().amount());
        JdbcBase.setLong(ps, 16, l.refill() == null ? null : l.refill().interval().toSeconds());
        JdbcBase.setLong(ps, 17, k.lastRefillAt());
        KeyRecord.Ops o = k.ops();
        JdbcBase.setLong(ps, 18, o.disabledAt());
        ps.setString(19, o.disabledVia());
        ps.setString(20, o.metadata());
        ps.setString(21, o.allowedIps());
        ps.setString(22, o.lastUsedIp());
        ps.setString(23, k.pepperId());
        ps.setString(24, o.createdActor());
        ps.setString(25, o.rotatedTo());
        return 26;
    }

    static KeyRecord row(ResultSet rs) throws SQLException {
        return new KeyRecord(
                rs.getString(1),
                rs.getString(2),
                JdbcBase.nullToEmpty(rs.getString(3)),
                JdbcBase.nullToEmpty(rs.getString(4)),
                rs.getString(5),
                KeyRecord.parseScopes(rs.getString(6)),
                JdbcBase.getLong(rs, 7),
                JdbcBase.getLong(rs, 8),
                rs.getLong(9),
                JdbcBase.getLong(rs, 10),
                rs.getString(11),
                limits(JdbcBase.getLong(rs, 12), JdbcBase.getLong(rs, 13), JdbcBase.getLong(rs, 14), JdbcBase.getLong(rs, 15), JdbcBase.getLong(rs, 16)),
                JdbcBase.getLong(rs, 17),
                new KeyRecord.Ops(JdbcBase.getLong(rs, 18), rs.getString(19), rs.getString(20), rs.getString(21), rs.getString(22),
                        rs.getString(24), rs.getString(25)),
                rs.getString(23));
    }

    /** Limits as stored; a half-set pair (a limit without its window) reads as no limit rather than failing verification. */
    private static dev.pkauth.UsageLimits limits(@Nullable Long rate, @Nullable Long window, @Nullable Long credits,
            @Nullable Long refillAmount, @Nullable Long refillInterval) {
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
