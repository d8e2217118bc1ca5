package dev.pkauth.internal;

/**
 * A strict RFC 8259 syntax check for small documents (key metadata), so core needs no JSON
 * library: it says whether text is one JSON object and nothing else, never what it means.
 * Depth is capped so hostile input cannot exhaust the stack.
 */
public final class JsonCheck {
    private static final int MAX_DEPTH = 32;

    private final String s;
    private int i;

    private JsonCheck(String s) {
        this.s = s;
    }

    /** {@code null} when {@code text} is exactly one JSON object (with surrounding whitespace), else what is wrong. */
    public static String objectProblem(String text) {
        JsonCheck c = new JsonCheck(text);
        try {
            c.space();
            if (c.i >= text.length() || text.charAt(c.i) != '{') return "it must start with {";
            c.value(0);
            c.space();
            if (c.i != text.length()) return "unexpected text after the object at position " + c.i;
            return null;
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private void value(int depth) {
        if (depth > MAX_DEPTH) throw fail("nested deeper than " + MAX_DEPTH);
        space();
        if (i >= s.length()) throw fail("unexpected end");
        char c = s.charAt(i);
        switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> number();
        }
    }

    private void object(int depth) {
        i++;
        space();
        if (peek('}')) {
            i++;
            return;
        }
        while (true) {
            space();
            if (!peek('"')) throw fail("expected a member name in quotes at position " + i);
            string();
            space();
            expect(':');
            value(depth + 1);
            space();
            if (peek(',')) {
                i++;
                continue;
            }
            expect('}');
            return;
        }
    }

    private void array(int depth) {
        i++;
        space();
        if (peek(']')) {
            i++;
            return;
        }
        while (true) {
            value(depth + 1);
            space();
            if (peek(',')) {
                i++;
                continue;
            }
            expect(']');
            return;
        }
    }

    private void string() {
        i++;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return;
            if (c < 0x20) throw fail("a control character inside a string at position " + (i - 1));
            if (c == '\\') {
                if (i >= s.length()) break;
                char e = s.charAt(i++);
                if (e == 'u') {
                    for (int k = 0; k < 4; k++) {
                        if (i >= s.length() || Character.digit(s.charAt(i++), 16) < 0) throw fail("a bad \\u escape");
                    }
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw fail("a bad escape at position " + (i - 1));
                }
            }
        }
        throw fail("an unterminated string");
    }

    private void number() {
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
    }

    private int digits() {
        int start = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i - start;
    }

    private void literal(String word) {
        if (!s.startsWith(word, i)) throw fail("unexpected character at position " + i);
        i += word.length();
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

    private static IllegalStateException fail(String what) {
        return new IllegalStateException(what);
    }
}
