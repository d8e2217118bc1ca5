package dev.pkauth;

import org.jspecify.annotations.Nullable;
/**
 * What metering decided for one request of a key ({@link ApiKeyStore#admit}) or one charge of
 * credits ({@link ApiKeyStore#consume}).
 *
 * <pre>{@code
 * Usage usage = store.consume(principal, 5);   // an expensive call costs 5 credits
 * if (!usage.allowed()) return tooManyRequests(usage);
 * }</pre>
 */
@dev.pkauth.Beta
public sealed interface Usage {
    /** Admitted, with nothing to report: the key has no limits. */
    Usage UNLIMITED = new Allowed(null, null);

    /**
     * Whether the request may proceed.
     *
     * @return true when allowed
     */
    boolean allowed();

    /**
     * The key's rate-limit window as this request left it, or {@code null} when it has no rate limit.
     *
     * @return the key's rate-limit window as this request left it, or {@code null} when it has no rate limit
     */
    @Nullable RateState rate();

    /**
     * Admitted.
     *
     * @param rate the window after this request, or {@code null} when there is no rate limit
     * @param creditsLeft credits left after this request, or {@code null} when unlimited
     */
    record Allowed(@Nullable RateState rate, @Nullable Long creditsLeft) implements Usage {
        @Override
        public boolean allowed() {
            return true;
        }
    }

    /** Refused: the key has used its requests for this window. Nothing was spent. */
    record RateLimited(RateState rate) implements Usage {
        @Override
        public boolean allowed() {
            return false;
        }

        /**
         * Seconds until the window resets.
         *
         * @return seconds until a request may succeed
         */
        public long retryAfterSeconds() {
            return rate.resetSeconds();
        }
    }

    /**
     * Refused: not enough credits left.
     *
     * @param rate the window, or {@code null}
     * @param retryAfterSeconds seconds until the next refill, or {@code null} when there is none
     */
    record Exhausted(@Nullable RateState rate, @Nullable Long retryAfterSeconds) implements Usage {
        @Override
        public boolean allowed() {
            return false;
        }
    }

    /**
     * A rate-limit window, as the IETF RateLimit headers describe it.
     *
     * @param limit requests allowed per window ({@code q})
     * @param windowSeconds the window ({@code w})
     * @param remaining requests left in this window ({@code r})
     * @param resetSeconds seconds until the window resets ({@code t})
     */
    record RateState(int limit, long windowSeconds, long remaining, long resetSeconds) {}
}
