package dev.pkauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How keys look on a terminal and in JSON. Nothing here can print a secret: keys carry none. */
final class Output {
    /** Two-space indented, {@code "name": value}, arrays one element per line: as jq and JSON.stringify print it. */
    private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter PRETTY =
            new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
                    .withArrayIndenter(com.fasterxml.jackson.core.util.DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(PRETTY).build();
    private static final String[] HEADERS = {"ID", "PREFIX", "NAME", "SCOPES", "CREATED", "EXPIRES", "LAST USED", "STATUS", "LIMITS", "MINTED BY"};

    private Output() {}

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> key(ApiKey k, Instant now) {
        return key(k, now, Map.of());
    }

    /** The key as JSON; {@code rotated_to} names its successor when it was rotated ({@code successors} by id). */
    static Map<String, Object> key(ApiKey k, Instant now, Map<String, String> successors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", k.id());
        m.put("user_id", k.userId());
        m.put("name", k.name());
        m.put("prefix", k.prefix());
        m.put("scopes", k.scopes());
        m.put("created_at", iso(k.createdAt()));
        m.put("expires_at", iso(k.expiresAt()));
        m.put("last_used_at", iso(k.lastUsedAt()));
        m.put("revoked_at", iso(k.revokedAt()));
        m.put("created_by", k.createdBy());
        m.put("rate_limit", k.limits().rateLimit() == null ? null : k.limits().rateLimit().toString());
        m.put("credits", k.limits().credits());
        m.put("refill", k.limits().refill() == null ? null : k.limits().refill().toString());
        m.put("disabled_at", iso(k.disabledAt()));
        m.put("allowed_ips", k.allowedIps() == null ? null : k.allowedIps().toString());
        m.put("last_used_ip", k.lastUsedIp());
        m.put("metadata", parsed(k.metadata()));
        m.put("status", k.statusAt(now).name().toLowerCase(Locale.ROOT));
        m.put("rotated_to", successors.get(k.id()));
        return m;
    }

    /** Metadata as JSON, not as a string of JSON. */
    private static Object parsed(String json) {
        if (json == null) return null;
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return json;
        }
    }

    static Map<String, Object> audit(dev.pkauth.AuditEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("at", iso(e.at()));
        m.put("actor", e.actor());
        m.put("action", e.action());
        m.put("key_id", e.keyId());
        m.put("user_id", e.userId());
        m.put("detail", parsed(e.detail()));
        return m;
    }

    static String auditTable(List<dev.pkauth.AuditEvent> events, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"WHEN", "ACTOR", "ACTION", "KEY", "USER", "DETAIL"});
        for (dev.pkauth.AuditEvent e : events) {
            rows.add(new String[] {relative(e.at(), now), e.actor(), e.action(), e.keyId() == null ? "-" : e.keyId(),
                e.userId() == null ? "-" : e.userId(), e.detail() == null ? "-" : e.detail()});
        }
        return align(rows);
    }

    static Map<String, Object> principal(ApiKeyPrincipal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", p.userId());
        m.put("key_id", p.keyId());
        m.put("key_name", p.keyName());
        m.put("scopes", p.scopes());
        m.put("expires_at", iso(p.expiresAt()));
        return m;
    }

    private static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    /** An aligned table, one key a row. */
    static String table(List<ApiKey> keys, Instant now) {
        return table(keys, now, false);
    }

    /** An aligned table, one key a row; with {@code withUser}, a USER column first (listings across users). */
    static String table(List<ApiKey> keys, Instant now, boolean withUser) {
        return table(keys, now, withUser, Map.of());
    }

    /** The table; a rotated key's STATUS names its successor ({@code successors} by id). */
    static String table(List<ApiKey> keys, Instant now, boolean withUser, Map<String, String> successors) {
        List<String[]> rows = new ArrayList<>();
        rows.add(withUser ? prepend("USER", HEADERS) : HEADERS);
        for (ApiKey k : keys) {
            String[] row = new String[] {
                k.id(), k.prefix(), k.name().isEmpty() ? "-" : k.name(),
                k.scopes().isEmpty() ? "-" : String.join(",", k.scopes()),
                relative(k.createdAt(), now), k.expiresAt() == null ? "never" : relative(k.expiresAt(), now),
                k.lastUsedAt() == null ? "never" : relative(k.lastUsedAt(), now),
                k.statusAt(now).name().toLowerCase(Locale.ROOT)
                        + (successors.containsKey(k.id()) ? ", rotated to " + successors.get(k.id()) : ""),
                limits(k.limits()),
                k.createdBy() == null ? "-" : k.createdBy()
            };
            rows.add(withUser ? prepend(k.userId(), row) : row);
        }
        return align(rows);
    }

    private static String[] prepend(String first, String[] rest) {
        String[] out = new String[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /** "100/1m, 998 credits, refill 1000/30d", or "-". */
    static String limits(dev.pkauth.UsageLimits l) {
        List<String> parts = new ArrayList<>();
        if (l.rateLimit() != null) parts.add(l.rateLimit().toString());
        if (l.credits() != null) parts.add(l.credits() + (l.credits() == 1 ? " credit" : " credits"));
        if (l.refill() != null) parts.add("refill " + l.refill());
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    /** Rows padded to aligned columns, the first row being the header. */
    static String align(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                out.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** "5 minutes ago", "in 3 days", "just now". */
    static String relative(Instant t, Instant now) {
        Duration d = Duration.between(t, now);
        boolean past = !d.isNegative();
        long s = Math.abs(d.getSeconds());
        if (s < 60) return past ? "just now" : "in under a minute";
        String amount;
        if (s < 3600) amount = plural(s / 60, "minute");
        else if (s < 86_400) amount = plural(s / 3600, "hour");
        else if (s < 86_400L * 365) amount = plural(s / 86_400, "day");
        else amount = plural(s / (86_400L * 365), "year");
        return past ? amount + " ago" : "in " + amount;
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
