package dev.pkauth.internal.jdbc;

import dev.pkauth.internal.store.IdempotencyRecords;
import dev.pkauth.internal.store.IdempotencyRecords.Claim;
import dev.pkauth.internal.store.IdempotencyRecords.Status;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Idempotency keys in {@code <table>_idempotency}: one row per (scope, key), kept a day. */
final class JdbcIdempotency extends JdbcBase {
    private final String expireSql;
    private final String insertSql;
    private final String readSql;
    private final String takeOverSql;
    private final String completeSql;
    private final String releaseSql;

    JdbcIdempotency(JdbcBase same) {
        super(same);
        String t = name("idempotency");
        expireSql = "DELETE FROM " + t + " WHERE created_at < ?";
        insertSql = "INSERT INTO " + t + " (scope, idem_key, request_hash, key_id, created_at) VALUES (?, ?, ?, NULL, ?)"
                + " ON CONFLICT DO NOTHING";
        readSql = "SELECT request_hash, key_id, created_at FROM " + t + " WHERE scope = ? AND idem_key = ?";
        takeOverSql = "UPDATE " + t + " SET created_at = ? WHERE scope = ? AND idem_key = ? AND key_id IS NULL AND created_at = ?";
        completeSql = "UPDATE " + t + " SET key_id = ? WHERE scope = ? AND idem_key = ?";
        releaseSql = "DELETE FROM " + t + " WHERE scope = ? AND idem_key = ? AND key_id IS NULL";
    }

    Claim claim(String scope, String key, String requestHash, long now) {
        return write(c -> inTransaction(c, () -> {
            // Keys older than a day answer nothing: gone before the insert, so it can claim them afresh.
            try (PreparedStatement ps = c.prepareStatement(expireSql)) {
                ps.setLong(1, now - IdempotencyRecords.RETAIN_SECONDS);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                ps.setString(1, scope);
                ps.setString(2, key);
                ps.setString(3, requestHash);
                ps.setLong(4, now);
                if (ps.executeUpdate() == 1) return new Claim(Status.CLAIMED, null);
            }
            String hash;
            String keyId;
            long at;
            try (PreparedStatement ps = c.prepareStatement(readSql)) {
                ps.setString(1, scope);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return new Claim(Status.IN_PROGRESS, null); // released between our insert and read
                    hash = rs.getString(1);
                    keyId = rs.getString(2);
                    at = rs.getLong(3);
                }
            }
            if (!java.security.MessageDigest.isEqual(hash.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    requestHash.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                return new Claim(Status.CONFLICT, null);
            }
            if (keyId != null) return new Claim(Status.REPLAY, keyId);
            if (at < now - IdempotencyRecords.ABANDONED_AFTER_SECONDS) {
                try (PreparedStatement ps = c.prepareStatement(takeOverSql)) {
                    ps.setLong(1, now);
                    ps.setString(2, scope);
                    ps.setString(3, key);
                    ps.setLong(4, at);
                    if (ps.executeUpdate() == 1) return new Claim(Status.CLAIMED, null);
                }
            }
            return new Claim(Status.IN_PROGRESS, null);
        }), "claim an idempotency key");
    }

    void complete(String scope, String key, String keyId) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(completeSql)) {
                ps.setString(1, keyId);
                ps.setString(2, scope);
                ps.setString(3, key);
                return ps.executeUpdate();
            }
        }, "record an idempotency key's result");
    }

    void release(String scope, String key) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(releaseSql)) {
                ps.setString(1, scope);
                ps.setString(2, key);
                return ps.executeUpdate();
            }
        }, "release an idempotency key");
    }
}
