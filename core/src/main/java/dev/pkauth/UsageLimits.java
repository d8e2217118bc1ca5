package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.time.Duration;

/**
 * What a key may use: a rate limit (requests per window), credits (uses left), and a refill of
 * the credits. Every part is optional; {@link #NONE} is a key with no limits.
 *
 * <pre>{@code
 * UsageLimits limits = UsageLimits.NONE
 *         .withRateLimit(RateLimit.parse("100/1m"))
 *         .withCredits(1000)
 *         .withRefill(Refill.parse("1000/30d"));
 * store.create("alice", "CI", List.of("docs:read"), null, limits);
 * }</pre>
 *
 * <p>Read back from a key ({@link ApiKey#limits()}), {@link #credits()} is what was left when the
 * row was read.
 *
 * @param rateLimit requests per window, or {@code null} for no per-key limit (a store-wide
 *     default may apply)
 * @param credits uses left, or {@code null} for unlimited; one is spent by each request that
 *     passes authentication and authorization
 * @param refill credits are reset to {@code refill.amount()} every {@code refill.interval()}, or
 *     {@code null} for never; needs credits
 */
@dev.pkauth.Beta
public record UsageLimits(@Nullable RateLimit rateLimit, @Nullable Long credits, @Nullable Refill refill) {
    /** No limits. */
    public static final UsageLimits NONE = new UsageLimits(null, null, null);

    /**
     * Checks that credits are not negative and that a refill has credits to refill.
     *
     * @param rateLimit requests per window, or {@code null} for no per-key limit (a store-wide default may apply)
     * @param credits uses left, or {@code null} for unlimited; one is spent by each request that passes authentication and authorization
     * @param refill credits are reset to {@code refill.amount()} every {@code refill.interval()}, or {@code null} for never; needs credits
     */
    public UsageLimits {
        if (credits != null && credits < 0) throw new IllegalArgumentException("credits must not be negative, was " + credits);
        if (refill != null && credits == null) {
            throw new IllegalArgumentException("a refill needs credits to refill: set credits too");
        }
    }

    /**
     * These limits with rate limit {@code limit}.
     *
     * @param limit the rate limit, or {@code null} for none
     * @return a copy with that change
     */
    public UsageLimits withRateLimit(RateLimit limit) {
        return new UsageLimits(limit, credits, refill);
    }

    /**
     * These limits with {@code credits} credits.
     *
     * @param credits how many credits, at least 1
     * @return a copy with that change
     */
    public UsageLimits withCredits(long credits) {
        return new UsageLimits(rateLimit, credits, refill);
    }

    /**
     * Credits, starting full when none were set.
     *
     * @param refill the refill, or {@code null} for none
     * @return a copy with that change
     */
    public UsageLimits withRefill(Refill refill) {
        return new UsageLimits(rateLimit, credits == null && refill != null ? Long.valueOf(refill.amount()) : credits, refill);
    }

    /**
     * True when a request with this key costs anything to meter.
     *
     * @return true when a request with this key costs anything to meter
     */
    public boolean isLimited() {
        return rateLimit != null || credits != null;
    }

    /**
     * True when these limits allow no more than {@code other}: for keys minted by keys, which may
     * never be looser than the key minting them. A rate limit no faster, credits no more, a refill
     * no faster; where {@code other} has a limit, so must these.
     *
     * @param other the limits of the key minting one with these
     * @return true when these are no looser than {@code other}
     */
    public boolean withinOf(UsageLimits other) {
        if (other.rateLimit != null && (rateLimit == null || rateLimit.fasterThan(other.rateLimit))) return false;
        if (other.credits != null && (credits == null || credits > other.credits)) return false;
        // Where the parent's credits are limited, a child's refill may not outpace the parent's.
        boolean refillTooFast = refill != null && other.credits != null
                && (other.refill == null || refill.fasterThan(other.refill));
        return !refillTooFast;
    }

    /**
     * At most {@code requests} requests per {@code window} (whole seconds, at least one).
     *
     * @param requests 1 or more
     * @param window 1 second or more, whole seconds
     */
    public record RateLimit(int requests, Duration window) {
        /**
         * Checks the request count and makes the window whole seconds.
         *
         * @param requests 1 or more
         * @param window 1 second or more, whole seconds
         */
        public RateLimit {
            if (requests < 1) throw new IllegalArgumentException("a rate limit allows at least 1 request, was " + requests);
            window = wholeSeconds(window, "rate limit window");
        }

        /**
         * {@code 100/1m}, {@code 10/1s}, {@code 5000/1h}, {@code 20/30s}.
         *
         * @param text the text as written
         * @return the rate limit
         */
        public static RateLimit parse(@Nullable String text) {
            PerDuration p = PerDuration.parse(text, "rate limit", "100/1m");
            return new RateLimit(p.count(), p.per());
        }

        boolean fasterThan(RateLimit other) {
            // requests / window > other.requests / other.window, without division
            return (long) requests * other.window.toSeconds() > (long) other.requests * window.toSeconds();
        }

        @Override
        public String toString() {
            return requests + "/" + Settings.formatDuration(window);
        }
    }

    /**
     * Credits reset to {@code amount} every {@code interval}.
     *
     * @param amount 1 or more
     * @param interval 1 second or more, whole seconds
     */
    public record Refill(long amount, Duration interval) {
        /**
         * Checks the amount and makes the interval whole seconds.
         *
         * @param amount 1 or more
         * @param interval 1 second or more, whole seconds
         */
        public Refill {
            if (amount < 1) throw new IllegalArgumentException("a refill gives at least 1 credit, was " + amount);
            interval = wholeSeconds(interval, "refill interval");
        }

        /**
         * {@code 1000/30d}.
         *
         * @param text the text as written
         * @return the refill
         */
        public static Refill parse(@Nullable String text) {
            PerDuration p = PerDuration.parse(text, "refill", "1000/30d");
            return new Refill(p.count(), p.per());
        }

        boolean fasterThan(Refill other) {
            return amount * other.interval.toSeconds() > other.amount * interval.toSeconds();
        }

        @Override
        public String toString() {
            return amount + "/" + Settings.formatDuration(interval);
        }
    }

    /** The longest rate window or refill interval: a year and a day, far from any overflow in window arithmetic. */
    static final Duration MAX_WINDOW = Duration.ofDays(366);

    private static Duration wholeSeconds(Duration d, String what) {
        // getNano, not toNanos: toNanos overflows (an ArithmeticException, a 500) beyond 292 years.
        if (d == null || d.getSeconds() < 1 || d.getNano() != 0) {
            throw new IllegalArgumentException(what + " must be a whole number of seconds, at least 1s, was " + d);
        }
        if (d.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException(what + " must be at most " + MAX_WINDOW.toDays() + "d ("
                    + MAX_WINDOW.toSeconds() + " seconds), was " + d.getSeconds() + " seconds");
        }
        return d;
    }

    /** {@code N/D}: a positive count per a duration, as rate limits and refills are written. */
    private record PerDuration(int count, Duration per) {
        static PerDuration parse(@Nullable String text, String what, String example) {
            String t = text == null ? "" : text.strip();
            int slash = t.indexOf('/');
            if (slash <= 0 || slash == t.length() - 1 || t.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException(what + " must look like " + example + ", was "
                        + dev.pkauth.internal.text.Validation.printable(t));
            }
            int n;
            try {
                n = Integer.parseInt(t.substring(0, slash));
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new IllegalArgumentException(what + " must look like " + example + " with a positive count, was "
                        + dev.pkauth.internal.text.Validation.printable(t.substring(0, slash)));
            }
            return new PerDuration(n, Settings.parseDuration(t.substring(slash + 1)));
        }
    }
}
