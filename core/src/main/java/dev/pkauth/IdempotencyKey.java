package dev.pkauth;

import java.util.Objects;

/**
 * A client's idempotency key for a mint or a rotation: a repeat with the same key and the same
 * request within a day answers the key made the first time, never a second one, so an
 * infrastructure-as-code client that lost a response can retry safely. The token is shown only
 * the first time: a client that lost it rotates the key it is given back (or revokes it).
 *
 * @param value the key, 1 to 255 printable ASCII characters (HTTP's {@code Idempotency-Key})
 * @param request what was asked, as the caller states it (an HTTP body, or a description of the
 *     call): a repeat with another request is refused with {@link IdempotencyConflictException}.
 *     Only its hash is stored
 */
public record IdempotencyKey(String value, String request) {
    /** The longest key accepted. */
    public static final int MAX_CHARS = 255;

    /**
     * Checks the key.
     *
     * @param value the key
     * @param request what was asked
     * @throws IllegalArgumentException for an empty or overlong key, or one with other than printable ASCII
     */
    public IdempotencyKey {
        Objects.requireNonNull(request, "request");
        if (value == null || value.isEmpty() || value.length() > MAX_CHARS
                || !value.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new IllegalArgumentException("an idempotency key is 1 to " + MAX_CHARS + " printable ASCII characters without spaces");
        }
    }
}
