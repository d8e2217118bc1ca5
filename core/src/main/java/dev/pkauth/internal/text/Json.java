package dev.pkauth.internal.text;

import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 reader and a small writer for the few small documents core handles (key
 * metadata, the bodies of the self-service key endpoints), so core needs no JSON library.
 * Objects read as {@link LinkedHashMap} (a repeated member name is an error), arrays as
 * {@link ArrayList}, numbers as {@link BigDecimal}, and {@code null} as {@code null}. Depth is
 * capped so hostile input cannot exhaust the stack; messages name positions, never echo input.
 */
public final class Json {
    private static final int MAX_DEPTH = 32;

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** One JSON value and nothing else around it but whitespace. */
    public static @Nullable Object parse(String text) {
        Json p = new Json(text);
        p.space();
        Object value = p.value(0);
        p.space();
        if (p.i != text.length()) throw fail("unexpected text after the value at position " + p.i);
        return value;
    }

    /** {@code null} when {@code text} is exactly one JSON object (with surrounding whitespace), else what is wrong. */
    public static @Nullable String objectProblem(String text) {
        Json p = new Json(text);
        p.space();
        if (p.i >= text.length() || text.charAt(p.i) != '{') return "it must start with {";
        try {
            parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private @Nullable Object value(int depth) {
        if (depth > MAX_DEPTH) throw fail("nested deeper than " + MAX_DEPTH);
        space();
        if (i >= s.length()) throw fail("unexpected end");
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) {
        i++;
        Map<String, Object> members = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            i++;
            return members;
        }
        while (true) {
            space();
            if (!peek('"')) throw fail("expected a member name in quotes at position " + i);
            int at = i;
            String name = string();
            space();
            expect(':');
            Object value = value(depth + 1);
            if (members.containsKey(name)) throw fail("a repeated member name at position " + at);
            members.put(name, value);
            space();
            if (peek(',')) {
                i++;
                continue;
            }
            expect('}');
            return members;
        }
    }

    private List<Object> array(int depth) {
        i++;
        List<Object> items = new ArrayList<>();
        space();
        if (peek(']')) {
            i++;
            return items;
        }
        while (true) {
            items.add(value(depth + 1));
            space();
            if (peek(',')) {
                i++;
                continue;
            }
            expect(']');
            return items;
        }
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c < 0x20) throw fail("a control character inside a string at position " + (i - 1));
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) break;
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = i < s.length() ? Character.digit(s.charAt(i++), 16) : -1;
                        if (d < 0) throw fail("a bad \\u escape");
                        code = code * 16 + d;
                    }
                    b.append((char) code);
                }
                default -> throw fail("a bad escape at position " + (i - 1));
            }
        }
        throw fail("an unterminated string");
    }

    private BigDecimal number() {
        int start = i;
        if (peek('-')) i++;
        if (peek('0')) {
            i++;
        } else if (digits() == 0) {
            throw fail("unexpected character at position " + start);
        }
        if (peek('.')) {
            i++;
            if (digits() == 0) throw fail("a bad number at position " + start);
        }
        if (peek('e') || peek('E')) {
            i++;
            if (peek('+') || peek('-')) i++;
            if (digits() == 0) throw fail("a bad number at position " + start);
        }
        if (i - start > 40) throw fail("a number longer than 40 characters at position " + start);
        BigDecimal n;
        try {
            n = new BigDecimal(s.substring(start, i));
        } catch (NumberFormatException exponentBeyondInt) {
            throw fail("a number out of range at position " + start);
        }
        // Every reader of this JSON (JavaScript, Jackson's doubles) must see the same number: refuse
        // what a double cannot hold rather than store a value that reads back as Infinity.
        if (Double.isInfinite(n.doubleValue())) throw fail("a number beyond the range of a double at position " + start);
        return n;
    }

    private int digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i - start;
    }

    private @Nullable Object literal(String word, @Nullable Object value) {
        if (!s.startsWith(word, i)) throw fail("unexpected character at position " + i);
        i += word.length();
        return value;
    }

    private void expect(char c) {
        if (!peek(c)) throw fail("expected '" + c + "' at position " + i);
        i++;
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            i++;
        }
    }

    private static IllegalArgumentException fail(String what) {
        return new IllegalArgumentException(what);
    }

    // --- writing ---------------------------------------------------------------------------------

    /**
     * Writes maps, collections, strings, numbers, booleans and {@code null}; a {@link Raw} value is
     * written as it is (JSON already checked, such as key metadata).
     */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    /** JSON text written as it is. */
    public record Raw(String json) {}

    private static void write(StringBuilder b, Object value) {
        if (value == null) {
            b.append("null");
        } else if (value instanceof String str) {
            quote(b, str);
        } else if (value instanceof Number || value instanceof Boolean) {
            b.append(value);
        } else if (value instanceof Raw raw) {
            b.append(raw.json());
        } else if (value instanceof Map<?, ?> map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) b.append(',');
                first = false;
                quote(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (value instanceof Collection<?> items) {
            b.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) b.append(',');
                first = false;
                write(b, item);
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getSimpleName() + " as JSON");
        }
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        quote(b, s);
        return b.toString();
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
