package dev.pkauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.pkauth.ImportedKey;
import dev.pkauth.KeySpec;
import dev.pkauth.UsageLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code pkauth import} reads keys: another system's table over JDBC, or a CSV or JSON
 * file, one row at a time (an import of millions of keys holds one row in memory), each row
 * mapped to an {@link ImportedKey} by what the source means by its columns.
 */
final class ImportSources {
    private ImportSources() {}

    /** One mapper for every row: making one per row costs more than reading the row. */
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A source row: column names lower-cased, values as the driver or file gave them. */
    interface Row {
        @Nullable Object get(String column);
    }

    /** A row the mapping refused, with its source id and the reason: reported with the store's refusals. */
    static final class RowRefused extends RuntimeException {
        final String sourceId;

        RowRefused(String sourceId, String reason) {
            super(reason, null, false, false);
            this.sourceId = sourceId;
        }
    }

    /** The mapping of one source's rows. */
    enum Kind {
        BETTER_AUTH("better-auth", "apikey", ImportSources::betterAuth),
        UNKEY("unkey", "keys", ImportSources::unkey),
        CSV("csv", null, ImportSources::pkauth),
        JSON("json", null, ImportSources::pkauth);

        final String source;
        final @Nullable String defaultTable;
        final Function<Row, ImportedKey> map;

        Kind(String source, @Nullable String defaultTable, Function<Row, ImportedKey> map) {
            this.source = source;
            this.defaultTable = defaultTable;
            this.map = map;
        }

        static Kind of(String name) {
            for (Kind k : values()) if (k.source.equals(name)) return k;
            throw new IllegalArgumentException("--from must be better-auth, unkey, csv or json; got " + name);
        }
    }

    // --- reading ------------------------------------------------------------------------------

    /** The rows of {@code table} in the database at {@code url}, read as the loop goes; close when done. */
    static CloseableRows jdbc(String url, String table) throws SQLException {
        if (!table.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("--source-table must be an SQL name of letters, digits and _; got " + table);
        }
        // Read-only: an import never writes to its source. SQLite takes that when opening (and then
        // will not create a missing file), other drivers on the connection.
        java.util.Properties props = new java.util.Properties();
        boolean sqlite = url.startsWith("jdbc:sqlite:");
        if (sqlite) props.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
        Connection c = DriverManager.getConnection(url, props);
        try {
            if (!sqlite) c.setReadOnly(true);
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            Statement s = c.createStatement();
            s.setFetchSize(500);
            ResultSet rs = s.executeQuery("SELECT * FROM " + quote(c, table));
            ResultSetMetaData md = rs.getMetaData();
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) names.add(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
            Iterator<Row> it = new Iterator<>() {
                Boolean ahead;

                @Override
                public boolean hasNext() {
                    try {
                        if (ahead == null) ahead = rs.next();
                        return ahead;
                    } catch (SQLException e) {
                        throw new IllegalStateException("reading " + table + ": " + e.getMessage(), e);
                    }
                }

                @Override
                public Row next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    ahead = null;
                    Map<String, Object> row = new LinkedHashMap<>();
                    try {
                        for (int i = 0; i < names.size(); i++) row.put(names.get(i), rs.getObject(i + 1));
                    } catch (SQLException e) {
                        throw new IllegalStateException("reading " + table + ": " + e.getMessage(), e);
                    }
                    return row::get;
                }
            };
            return new CloseableRows(it, c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The table name as the database spells it: better-auth's camelCase columns live in a lower-case table either way. */
    private static String quote(Connection c, String table) throws SQLException {
        String q = c.getMetaData().getIdentifierQuoteString();
        return q == null || q.isBlank() ? table : q + table + q;
    }

    /** The rows of a CSV file with a header line, read as the loop goes. */
    static CloseableRows csv(Path file) throws IOException {
        CsvMapper mapper = new CsvMapper();
        MappingIterator<Map<String, String>> it = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(file.toFile());
        return new CloseableRows(rows(it, m -> {
            Map<String, Object> lower = new LinkedHashMap<>();
            m.forEach((k, v) -> lower.put(k.strip().toLowerCase(Locale.ROOT), v == null || v.isEmpty() ? null : v));
            return lower::get;
        }), it);
    }

    /** The objects of a JSON array (or of JSON lines), read as the loop goes. */
    static CloseableRows json(Path file) throws IOException {
        MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(file.toFile());
        return new CloseableRows(rows(it, node -> {
            if (!node.isObject()) throw new IllegalArgumentException("each JSON entry must be an object");
            Map<String, Object> lower = new LinkedHashMap<>();
            node.properties().forEach(e -> lower.put(e.getKey().toLowerCase(Locale.ROOT),
                    e.getValue().isNull() ? null : e.getValue().isValueNode() ? e.getValue().asText() : e.getValue()));
            return lower::get;
        }), it);
    }

    private static <T> Iterator<Row> rows(Iterator<T> source, Function<T, Row> f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return source.hasNext();
            }

            @Override
            public Row next() {
                T item;
                try {
                    item = source.next();
                } catch (RuntimeException e) {
                    // A malformed file stops the import where it is; what was read before stays imported.
                    throw new IllegalArgumentException("the file cannot be read past this point: " + firstLine(e.getMessage()), e);
                }
                return f.apply(item);
            }
        };
    }

    private static String firstLine(@Nullable String message) {
        if (message == null) return "malformed";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** Rows and what to close after them. */
    record CloseableRows(Iterator<Row> rows, AutoCloseable resource) implements AutoCloseable {
        @Override
        public void close() throws java.io.IOException {
            try {
                resource.close();
            } catch (java.io.IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new java.io.IOException("closing the import source: " + e.getMessage(), e);
            }
        }
    }

    // --- mapping ------------------------------------------------------------------------------

    /**
     * better-auth's api-key plugin ({@code apikey}): {@code key} is the base64url SHA-256 of the
     * whole token, {@code referenceId} (older versions: {@code userId}) the owner, {@code
     * permissions} a JSON object of resource to actions (each becomes the scope
     * {@code resource:action}), times in milliseconds, the rate limit only when enabled,
     * {@code lastRequest} as the last use.
     */
    static ImportedKey betterAuth(Row r) {
        String id = required(r, "id", "?");
        try {
            String user = first(r, "referenceid", "userid");
            if (user == null) throw new IllegalArgumentException("no referenceId or userId");
            List<String> scopes = new ArrayList<>();
            String permissions = text(r, "permissions");
            if (permissions != null && !permissions.equals("null")) {
                JsonNode p = JSON.readTree(permissions);
                if (!p.isObject()) throw new IllegalArgumentException("permissions is not a JSON object");
                for (var e : p.properties()) {
                    for (JsonNode action : e.getValue()) scopes.add(e.getKey() + ":" + action.asText());
                }
            }
            UsageLimits.RateLimit rate = null;
            Long max = number(r, "ratelimitmax");
            Long window = number(r, "ratelimittimewindow");
            Boolean rateOn = bool(r, "ratelimitenabled");
            if ((rateOn == null || rateOn) && max != null && max > 0 && window != null && window > 0) {
                rate = new UsageLimits.RateLimit((int) Math.min(max, Integer.MAX_VALUE), Duration.ofSeconds(ceilSeconds(window)));
            }
            Long remaining = number(r, "remaining");
            Long refillAmount = number(r, "refillamount");
            Long refillInterval = number(r, "refillinterval");
            UsageLimits.Refill refill = remaining != null && refillAmount != null && refillAmount > 0 && refillInterval != null
                    && refillInterval > 0 ? new UsageLimits.Refill(refillAmount, Duration.ofSeconds(ceilSeconds(refillInterval))) : null;
            KeySpec spec = new KeySpec(text(r, "name"), scopes, instant(r, "expiresat"), new UsageLimits(rate, remaining, refill),
                    metadata(text(r, "metadata")), null);
            Boolean enabled = bool(r, "enabled");
            return new ImportedKey(id, user, required(r, "key", id), null, text(r, "start"), spec, instant(r, "createdat"),
                    enabled == null || enabled, instant(r, "lastrequest"));
        } catch (IllegalArgumentException | IOException e) {
            throw new RowRefused(id, e.getMessage());
        }
    }

    /**
     * Unkey's {@code keys} table: {@code hash} the hex SHA-256 of the whole token, {@code
     * owner_id} (else {@code identity_id}, else {@code workspace_id}) the owner, {@code meta}
     * JSON, {@code expires} a date-time, {@code created_at_m} milliseconds, {@code
     * remaining_requests} credits refilled by {@code refill_amount} daily, or monthly (as 30 days)
     * when {@code refill_day} is set. Deleted keys ({@code deleted_at_m}) are refused as such.
     */
    static ImportedKey unkey(Row r) {
        String id = required(r, "id", "?");
        try {
            if (r.get("deleted_at_m") != null) throw new IllegalArgumentException("deleted in Unkey");
            String user = first(r, "owner_id", "identity_id", "workspace_id");
            if (user == null) throw new IllegalArgumentException("no owner_id, identity_id or workspace_id");
            Long remaining = number(r, "remaining_requests");
            Long refillAmount = number(r, "refill_amount");
            UsageLimits.Refill refill = remaining != null && refillAmount != null && refillAmount > 0
                    ? new UsageLimits.Refill(refillAmount, r.get("refill_day") != null ? Duration.ofDays(30) : Duration.ofDays(1))
                    : null;
            UsageLimits.RateLimit rate = null;
            Long limit = number(r, "ratelimit_limit");
            Long duration = number(r, "ratelimit_duration");
            if (limit != null && limit > 0 && duration != null && duration > 0) {
                rate = new UsageLimits.RateLimit((int) Math.min(limit, Integer.MAX_VALUE), Duration.ofSeconds(ceilSeconds(duration)));
            }
            KeySpec spec = new KeySpec(text(r, "name"), List.of(), instant(r, "expires"), new UsageLimits(rate, remaining, refill),
                    metadata(text(r, "meta")), null);
            Long created = number(r, "created_at_m");
            Boolean enabled = bool(r, "enabled");
            return new ImportedKey(id, user, required(r, "hash", id), null, text(r, "start"), spec,
                    created == null ? null : Instant.ofEpochMilli(created), enabled == null || enabled);
        } catch (IllegalArgumentException e) {
            throw new RowRefused(id, e.getMessage());
        }
    }

    /**
     * pkauth's own import format, for CSV and JSON: {@code secret_hash} and {@code user_id}
     * required; {@code source_id} (default: {@code key_id}, else the hash), {@code key_id},
     * {@code name}, {@code scopes} (space-separated, or a JSON array), {@code expires_at} and
     * {@code created_at} and {@code last_used_at} (ISO-8601 or Unix seconds), {@code enabled}, {@code metadata} (a JSON
     * object), {@code prefix}, {@code rate_limit} ({@code 100/1m}), {@code credits}, {@code refill}
     * ({@code 1000/30d}).
     */
    static ImportedKey pkauth(Row r) {
        String hash = text(r, "secret_hash");
        String keyId = text(r, "key_id");
        String id = first(r, "source_id", "key_id");
        // Without an id, the row is known by a digest of its stored hash: stable across runs, and
        // never the hash itself, which refusals would print.
        if (id == null) id = hash == null ? "?" : "hash:" + java.util.HexFormat.of().formatHex(sha256(hash)).substring(0, 32);
        try {
            if (hash == null) throw new IllegalArgumentException("no secret_hash");
            String user = text(r, "user_id");
            if (user == null) throw new IllegalArgumentException("no user_id");
            List<String> scopes = new ArrayList<>();
            Object s = r.get("scopes");
            if (s instanceof JsonNode array) {
                for (JsonNode n : array) scopes.add(n.asText());
            } else if (s != null) {
                for (String one : s.toString().trim().split("\\s+")) if (!one.isEmpty()) scopes.add(one);
            }
            Long credits = number(r, "credits");
            String refill = text(r, "refill");
            String rate = text(r, "rate_limit");
            UsageLimits limits = new UsageLimits(rate == null ? null : UsageLimits.RateLimit.parse(rate), credits,
                    refill == null ? null : UsageLimits.Refill.parse(refill));
            KeySpec spec = new KeySpec(text(r, "name"), scopes, instant(r, "expires_at"), limits, metadata(r.get("metadata")), null);
            Boolean enabled = bool(r, "enabled");
            return new ImportedKey(id, user, hash, keyId, text(r, "prefix"), spec, instant(r, "created_at"),
                    enabled == null || enabled, instant(r, "last_used_at"));
        } catch (IllegalArgumentException e) {
            throw new RowRefused(id, e.getMessage());
        }
    }

    // --- values -------------------------------------------------------------------------------

    private static String required(Row r, String column, String sourceId) {
        String v = text(r, column);
        if (v == null) throw new RowRefused(sourceId, "no " + column);
        return v;
    }

    private static @Nullable String first(Row r, String... columns) {
        for (String c : columns) {
            String v = text(r, c);
            if (v != null) return v;
        }
        return null;
    }

    static @Nullable String text(Row r, String column) {
        Object v = r.get(column);
        if (v == null) return null;
        String s = v.toString();
        return s.isEmpty() ? null : s;
    }

    private static @Nullable Long number(Row r, String column) {
        Object v = r.get(column);
        if (v == null) return null;
        if (v instanceof Number n) return n.longValue();
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(column + " is not a whole number");
        }
    }

    private static @Nullable Boolean bool(Row r, String column) {
        Object v = r.get(column);
        if (v == null) return null;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return n.longValue() != 0;
        return switch (v.toString().trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "t", "yes" -> true;
            case "0", "false", "f", "no" -> false;
            default -> throw new IllegalArgumentException(column + " is not true or false");
        };
    }

    /** One digest per thread for the rows of an import, not one per row. */
    private static final ThreadLocal<java.security.MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static byte[] sha256(String s) {
        return SHA256.get().digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static long ceilSeconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSS][.SS][.S][XXX][X]");

    /**
     * A time as sources write it: a JDBC timestamp, ISO-8601 ({@code 2026-12-06T21:13:40.295Z}),
     * SQL's {@code 2026-12-06 21:13:40[.295][+00]} (UTC when no offset), or a number: Unix
     * milliseconds when above 10^11 (better-auth on some drivers), else Unix seconds.
     */
    static @Nullable Instant instant(Row r, String column) {
        Object v = r.get(column);
        if (v == null) return null;
        if (v instanceof java.sql.Timestamp t) return t.toInstant();
        if (v instanceof OffsetDateTime o) return o.toInstant();
        if (v instanceof Number n) return n.longValue() > 100_000_000_000L ? Instant.ofEpochMilli(n.longValue()) : Instant.ofEpochSecond(n.longValue());
        String s = v.toString().trim();
        if (s.matches("\\d{1,16}")) {
            long n = Long.parseLong(s);
            return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // not ISO with an offset: try SQL's form
        }
        try {
            var parsed = SQL_TIME.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            return parsed instanceof OffsetDateTime o ? o.toInstant() : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(column + " is not a time pkauth reads (ISO-8601, SQL, or Unix seconds)");
        }
    }

    /** Metadata as a JSON object's text, or {@code null} for none (absent, empty or JSON null). */
    private static @Nullable String metadata(@Nullable Object v) {
        if (v == null) return null;
        if (v instanceof JsonNode n) return n.isNull() ? null : n.toString();
        String s = v.toString().trim();
        return s.isEmpty() || s.equals("null") ? null : s;
    }
}
