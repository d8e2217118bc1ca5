package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import java.util.List;

/**
 * What the {@code Authorization} header(s) of a request hold, for the Bearer scheme (RFC 6750 §2.1).
 *
 * <pre>{@code
 * switch (BearerCredentials.parse(headerValues)) { ... }
 * }</pre>
 */
public sealed interface BearerCredentials {
    /** Longest header value considered; a pk key is 83 characters. */
    int MAX_HEADER_CHARS = 1024;

    /** No credentials for us: no header, or another scheme. */
    record Absent() implements BearerCredentials {}

    /** A broken request (RFC 6750 {@code invalid_request}). The description is fixed text, never input. */
    record Malformed(String description) implements BearerCredentials {}

    /** A syntactically valid b64token to verify. {@link #toString()} hides it. */
    record Token(String value) implements BearerCredentials {
        @Override
        public String toString() {
            return "Token[<redacted>]";
        }
    }

    /** No credentials. */
    Absent ABSENT = new Absent();

    /**
     * Classifies the values of every {@code Authorization} header of a request.
     * The scheme is matched case-insensitively and followed by one or more spaces; the token must
     * be an RFC 6750 b64token. Trailing spaces or tabs are ignored (they are not part of a field value).
     *
     * @param headerValues the values of every {@code Authorization} header, in order
     * @return absent, malformed, or the token
     */
    static BearerCredentials parse(@Nullable List<String> headerValues) {
        if (headerValues == null || headerValues.isEmpty()) return ABSENT;
        if (headerValues.size() > 1) return new Malformed("more than one Authorization header");
        return parse(headerValues.get(0));
    }

    /**
     * Classifies one {@code Authorization} header value ({@code null}: absent).
     *
     * @param value the value
     * @return absent, malformed, or the token
     */
    static BearerCredentials parse(@Nullable String value) {
        if (value == null) return ABSENT;
        if (value.length() > MAX_HEADER_CHARS) {
            return startsWithBearer(value) ? new Malformed("Authorization header is too long") : ABSENT;
        }
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) end--;
        int start = 0;
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) start++;
        int space = value.indexOf(' ', start);
        int schemeEnd = space < 0 || space > end ? end : space;
        if (!"bearer".regionMatches(true, 0, value, start, 6) || schemeEnd - start != 6) {
            return ABSENT;
        }
        int tokenStart = schemeEnd;
        while (tokenStart < end && value.charAt(tokenStart) == ' ') tokenStart++;
        if (tokenStart >= end) return new Malformed("the Bearer token is empty");
        return isB64Token(value, tokenStart, end)
                ? new Token(value.substring(tokenStart, end))
                : new Malformed("the Bearer token has characters outside the b64token syntax");
    }

    private static boolean startsWithBearer(String value) {
        String v = value.stripLeading();
        return v.length() >= 6 && v.regionMatches(true, 0, "bearer", 0, 6)
                && (v.length() == 6 || v.charAt(6) == ' ');
    }

    /** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} */
    private static boolean isB64Token(String s, int from, int to) {
        int i = from;
        for (; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) break;
        }
        if (i == from) return false;
        for (; i < to; i++) {
            if (s.charAt(i) != '=') return false;
        }
        return true;
    }
}
