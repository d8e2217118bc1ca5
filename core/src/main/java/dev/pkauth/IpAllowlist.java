package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.util.ArrayList;
import java.util.List;

/**
 * The client addresses a key may be used from: CIDR ranges, IPv4 and IPv6
 * ({@code 203.0.113.0/24,2001:db8::/32}); a bare address is a single host. Parsed once; matching
 * an address allocates nothing, so it costs little on every request.
 *
 * <pre>{@code
 * IpAllowlist office = IpAllowlist.parse("203.0.113.0/24, 2001:db8::/48");
 * office.allows("203.0.113.7");   // true
 * }</pre>
 *
 * IPv4-mapped IPv6 addresses ({@code ::ffff:203.0.113.7}) match IPv4 ranges. {@link #toString()}
 * is the canonical comma-separated form stored in the {@code allowed_ips} column.
 */
public final class IpAllowlist {
    /** At most this many ranges per key. */
    public static final int MAX_RANGES = 64;

    // Each range as 128 bits (IPv4 as IPv4-mapped IPv6) and a prefix length out of 128.
    private final long[] high;
    private final long[] low;
    private final int[] prefix;
    private final String text;

    private IpAllowlist(long[] high, long[] low, int[] prefix, String text) {
        this.high = high;
        this.low = low;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses comma-separated CIDRs; spaces around them are ignored.
     *
     * @param csv comma-separated CIDRs ({@code 10.0.0.0/8,2001:db8::/32})
     * @return the allowlist
     * @throws IllegalArgumentException naming the first range that is not one
     */
    public static IpAllowlist parse(String csv) {
        if (csv == null || csv.isBlank()) throw new IllegalArgumentException("an IP allowlist needs at least one range");
        String[] parts = csv.split(",", -1);
        if (parts.length > MAX_RANGES) {
            throw new IllegalArgumentException("an IP allowlist holds at most " + MAX_RANGES + " ranges, got " + parts.length);
        }
        long[] hi = new long[parts.length];
        long[] lo = new long[parts.length];
        int[] bits = new int[parts.length];
        List<String> canonical = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String range = parts[i].strip();
            int slash = range.indexOf('/');
            String address = slash < 0 ? range : range.substring(0, slash);
            long[] parsed = new long[2];
            boolean v4 = address.indexOf(':') < 0;
            if (!parse(address, 0, address.length(), parsed)) {
                throw new IllegalArgumentException("not an IP range: " + dev.pkauth.internal.text.Validation.printable(range)
                        + " (use 203.0.113.0/24 or 2001:db8::/32)");
            }
            int max = v4 ? 32 : 128;
            int length = max;
            if (slash >= 0) {
                try {
                    length = Integer.parseInt(range.substring(slash + 1));
                } catch (NumberFormatException e) {
                    length = -1;
                }
                if (length < 0 || length > max || !Character.isDigit(range.charAt(slash + 1))) {
                    throw new IllegalArgumentException("prefix length of " + dev.pkauth.internal.text.Validation.printable(range)
                            + " must be 0 to " + max);
                }
            }
            bits[i] = v4 ? length + 96 : length;
            hi[i] = parsed[0] & mask(bits[i], 0);
            lo[i] = parsed[1] & mask(bits[i], 64);
            canonical.add(v4 ? ipv4Text(lo[i]) + "/" + length : ipv6Text(hi[i], lo[i]) + "/" + length);
        }
        return new IpAllowlist(hi, lo, bits, String.join(",", canonical));
    }

    /**
     * Whether {@code address} (as a container reports it: {@code 203.0.113.7}, {@code ::1},
     * {@code [::1]}, {@code fe80::1%eth0}) is in one of the ranges. An address that does not parse
     * is not allowed.
     *
     * @param address the address as a container reports it
     * @return true when a range holds it
     */
    public boolean allows(@Nullable String address) {
        // Two longs on the stack would be nicer; a per-thread pair keeps this allocation-free.
        long[] parsed = SCRATCH.get();
        if (!parseAddress(address, parsed)) return false;
        for (int i = 0; i < prefix.length; i++) {
            if ((parsed[0] & mask(prefix[i], 0)) == high[i] && (parsed[1] & mask(prefix[i], 64)) == low[i]) return true;
        }
        return false;
    }

    /**
     * Whether every range of this list lies inside a range of {@code other}: never wider than it.
     *
     * @param other the allowlist of the key minting one with this
     * @return whether every range of this list lies inside a range of {@code other}
     */
    public boolean within(IpAllowlist other) {
        for (int i = 0; i < prefix.length; i++) {
            boolean inside = false;
            for (int j = 0; j < other.prefix.length && !inside; j++) {
                int p = other.prefix[j];
                inside = p <= prefix[i] && (high[i] & mask(p, 0)) == other.high[j] && (low[i] & mask(p, 64)) == other.low[j];
            }
            if (!inside) return false;
        }
        return true;
    }

    private static final ThreadLocal<long[]> SCRATCH = ThreadLocal.withInitial(() -> new long[2]);

    /** The mask of a {@code bits}-long prefix over the 64 bits starting at {@code offset}. */
    private static long mask(int bits, int offset) {
        int n = bits - offset;
        if (n <= 0) return 0;
        if (n >= 64) return -1L;
        return -1L << (64 - n);
    }

    /**
     * An address as a container reports it ({@code 203.0.113.7}, {@code ::1}, {@code [::1]},
     * {@code fe80::1%eth0}) into 128 bits; false when it is none.
     */
    static boolean parseAddress(@Nullable String address, long[] out) {
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
    static boolean parse(String s, int from, int to, long[] out) {
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

    private static String ipv4Text(long low) {
        return (low >>> 24 & 0xff) + "." + (low >>> 16 & 0xff) + "." + (low >>> 8 & 0xff) + "." + (low & 0xff);
    }

    private static String ipv6Text(long hi, long lo) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < 8; k++) {
            long word = (k < 4 ? hi >>> (48 - 16 * k) : lo >>> (48 - 16 * (k - 4))) & 0xffff;
            if (k > 0) b.append(':');
            b.append(Long.toHexString(word));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAllowlist other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The canonical form: {@code 203.0.113.0/24,2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        return text;
    }
}
