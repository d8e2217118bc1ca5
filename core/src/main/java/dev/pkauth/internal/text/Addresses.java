package dev.pkauth.internal.text;

import org.jspecify.annotations.Nullable;

/**
 * IPv4 and IPv6 literals into 128 bits (IPv4 as {@code ::ffff:a.b.c.d}), without allocating: the
 * one parser behind allowlists, the rejected-key budget per address and the proxy rules.
 */
public final class Addresses {
    private Addresses() {}

    /**
     * An address as a container reports it ({@code 203.0.113.7}, {@code ::1}, {@code [::1]},
     * {@code fe80::1%eth0}) into 128 bits; false when it is none.
     */
    public static boolean parseAddress(@Nullable String address, long[] out) {
        if (address == null) return false;
        int from = 0;
        int to = address.length();
        if (to > 1 && address.charAt(0) == '[' && address.charAt(to - 1) == ']') {
            from = 1;
            to--;
        }
        int zone = address.indexOf('%', from);
        if (zone >= 0 && zone < to) to = zone;
        return parse(address, from, to, out);
    }

    /** Parses an IPv4 or IPv6 literal in {@code s[from, to)} into 128 bits (IPv4 as ::ffff:a.b.c.d). */
    public static boolean parse(String s, int from, int to, long[] out) {
        if (from >= to) return false;
        boolean colon = false;
        for (int i = from; i < to; i++) {
            if (s.charAt(i) == ':') {
                colon = true;
                break;
            }
        }
        if (!colon) {
            long v4 = ipv4(s, from, to);
            if (v4 < 0) return false;
            out[0] = 0;
            out[1] = 0xffff00000000L | v4;
            return true;
        }
        return ipv6(s, from, to, out);
    }

    /** a.b.c.d as an unsigned 32-bit value, or -1. */
    private static long ipv4(String s, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (i < to) {
            int start = i;
            int octet = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                octet = octet * 10 + (s.charAt(i) - '0');
                if (octet > 255 || i - start >= 3) return -1;
                i++;
            }
            if (i == start || (i - start > 1 && s.charAt(start) == '0')) return -1; // empty, or a leading zero
            value = value << 8 | octet;
            octets++;
            if (i < to) {
                if (s.charAt(i) != '.' || i == to - 1) return -1;
                i++;
            }
        }
        return octets == 4 ? value : -1;
    }

    /**
     * An IPv6 literal (with "::" and an embedded IPv4 tail) into 128 bits, without allocating:
     * groups before "::" and after it are each accumulated as a right-aligned 128-bit number, and
     * the head is shifted into place at the end.
     */
    private static boolean ipv6(String s, int from, int to, long[] out) {
        long headHi = 0;
        long headLo = 0;
        long tailHi = 0;
        long tailLo = 0;
        int head = 0; // 16-bit groups before "::" (all of them when there is none)
        int tail = 0; // groups after "::"
        boolean gap = false;
        int i = from;
        if (s.startsWith("::", from)) {
            gap = true;
            i += 2;
        } else if (s.charAt(from) == ':') {
            return false;
        }
        while (i < to) {
            int start = i;
            int value = 0;
            while (i < to && Character.digit(s.charAt(i), 16) >= 0) {
                if (i - start >= 4) return false;
                value = value << 4 | Character.digit(s.charAt(i), 16);
                i++;
            }
            int groups = 1;
            long word = value;
            if (i < to && s.charAt(i) == '.') {
                long v4 = ipv4(s, start, to); // the embedded IPv4 ends the literal
                if (v4 < 0) return false;
                groups = 2;
                word = v4;
                i = to;
            } else if (i == start) {
                return false;
            }
            int bits = 16 * groups;
            if (gap) {
                tailHi = tailHi << bits | tailLo >>> (64 - bits);
                tailLo = tailLo << bits | word;
                tail += groups;
            } else {
                headHi = headHi << bits | headLo >>> (64 - bits);
                headLo = headLo << bits | word;
                head += groups;
            }
            if (head + tail > 8) return false;
            if (i == to) break;
            if (s.charAt(i) != ':') return false;
            i++;
            if (i < to && s.charAt(i) == ':') {
                if (gap) return false;
                gap = true;
                i++;
            } else if (i == to) {
                return false;
            }
        }
        if (gap ? head + tail > 7 : head != 8) return false;
        // Move the head to the top: shift left by 16 bits for each group the "::" stands for and each tail group.
        int shift = 16 * (8 - head);
        if (shift >= 128) {
            headHi = 0;
            headLo = 0;
        } else if (shift >= 64) {
            headHi = headLo << (shift - 64);
            headLo = 0;
        } else if (shift > 0) {
            headHi = headHi << shift | headLo >>> (64 - shift);
            headLo = headLo << shift;
        }
        out[0] = headHi | tailHi;
        out[1] = headLo | tailLo;
        return true;
    }
}
