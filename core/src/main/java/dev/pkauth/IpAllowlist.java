package dev.pkauth;

import dev.pkauth.internal.text.Addresses;

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
            if (!Addresses.parse(address, 0, address.length(), parsed)) {
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
        if (!Addresses.parseAddress(address, parsed)) return false;
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
