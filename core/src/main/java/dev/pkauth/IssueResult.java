package dev.pkauth;

import org.jspecify.annotations.Nullable;

/**
 * What an idempotent mint or rotation answered: the new key with its token the first time; the
 * same key, without its token, on a repeat of the same request.
 *
 * @param key the key the request made
 * @param issued the key and its token when this call made it, {@code null} on a repeat
 */
public record IssueResult(ApiKey key, @Nullable IssuedKey issued) {
    /**
     * Whether this answers a repeat: the key was made by an earlier call, and its token is not
     * available again (rotate the key for a new one).
     *
     * @return true on a repeat
     */
    public boolean replayed() {
        return issued == null;
    }
}
