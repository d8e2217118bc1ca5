package dev.pkauth;

/**
 * A newly minted key: the token, which exists only here and is never stored, and its metadata.
 * Hand the token to its owner once; {@link #toString()} does not show it.
 *
 * @param token the full {@code pk.key_….…} bearer token
 * @param key the stored metadata
 */
public record IssuedKey(String token, ApiKey key) {
    @Override
    public String toString() {
        return "IssuedKey[token=" + key.prefix() + "…<redacted>, key=" + key + "]";
    }
}
