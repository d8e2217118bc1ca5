package dev.pkauth;

import org.jspecify.annotations.Nullable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What a new key should be: its label, scopes, expiry, usage limits, metadata and the addresses
 * it may be used from. Immutable; start from {@link #of} and add what you need.
 *
 * <pre>{@code
 * IssuedKey k = store.create("acme", KeySpec.of("deploy bot", List.of("deploy:run"))
 *         .expiresAt(Instant.now().plus(Duration.ofDays(90)))
 *         .metadata("{\"plan\":\"pro\",\"customer\":\"cus_42\"}")
 *         .allowedIps(IpAllowlist.parse("203.0.113.0/24")));
 * }</pre>
 *
 * @param name a label for the owner, or {@code null}
 * @param scopes the scopes granted
 * @param expiresAt when it stops working, or {@code null} for never
 * @param limits rate limit, credits and refill; {@code null} when not specified: none for a key an
 *     operator or the application mints, the minting key's for a key minted by a key (where an
 *     explicit {@link UsageLimits#NONE} asks for no limits, and is refused under a limited key)
 * @param metadata a JSON object of at most {@value #MAX_METADATA_BYTES} bytes chosen by the host
 *     application (customer id, plan…), or {@code null}
 * @param allowedIps the client addresses it may be used from, or {@code null} for any
 */
public record KeySpec(@Nullable String name, List<String> scopes, @Nullable Instant expiresAt, @Nullable UsageLimits limits,
        @Nullable String metadata,
        @Nullable IpAllowlist allowedIps) {
    /** Metadata is a JSON object of at most this many UTF-8 bytes. */
    public static final int MAX_METADATA_BYTES = 4096;

    /**
     * Copies the scopes and checks the metadata.
     *
     * @param name a label for the owner, or {@code null}
     * @param scopes the scopes granted
     * @param expiresAt when it stops working, or {@code null} for never
     * @param limits rate limit, credits and refill; {@code null} when not specified: none for a key an operator or the application mints, the minting key's for a key minted by a key (where an explicit {@link UsageLimits#NONE} asks for no limits, and is refused under a limited key)
     * @param metadata a JSON object of at most {@value #MAX_METADATA_BYTES} bytes chosen by the host application (customer id, plan…), or {@code null}
     * @param allowedIps the client addresses it may be used from, or {@code null} for any
     */
    public KeySpec {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        if (metadata != null) metadata = checkMetadata(metadata);
    }

    /**
     * A key named {@code name} with {@code scopes}, no expiry and no limits.
     *
     * @param name the key's label, or {@code null} for none
     * @param scopes the scopes to grant
     * @return the spec
     */
    public static KeySpec of(@Nullable String name, @Nullable Collection<String> scopes) {
        return new KeySpec(name, scopes == null ? List.of() : List.copyOf(scopes), null, null, null, null);
    }

    /**
     * This spec, expiring at {@code at}.
     *
     * @param at the instant
     * @return a copy with that change
     */
    public KeySpec expiresAt(@Nullable Instant at) {
        return new KeySpec(name, scopes, at, limits, metadata, allowedIps);
    }

    /**
     * This spec, with usage limits {@code l}.
     *
     * @param l the usage limits
     * @return a copy with that change
     */
    public KeySpec limits(@Nullable UsageLimits l) {
        return new KeySpec(name, scopes, expiresAt, l, metadata, allowedIps);
    }

    /**
     * This spec, with the host's JSON object {@code json}.
     *
     * @param json a JSON object, or {@code null} to clear it
     * @return a copy with that change
     */
    public KeySpec metadata(@Nullable String json) {
        return new KeySpec(name, scopes, expiresAt, limits, json, allowedIps);
    }

    /**
     * This spec, usable only from {@code ips}.
     *
     * @param ips the allowed client addresses, or {@code null} for any
     * @return a copy with that change
     */
    public KeySpec allowedIps(@Nullable IpAllowlist ips) {
        return new KeySpec(name, scopes, expiresAt, limits, metadata, ips);
    }

    /**
     * Metadata as stored: a JSON object, at most {@value #MAX_METADATA_BYTES} bytes.
     *
     * @param json a JSON object, or {@code null} to clear it
     * @return the metadata, unchanged
     * @throws IllegalArgumentException saying what is wrong (never echoing the value)
     */
    public static String checkMetadata(String json) {
        if (json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_METADATA_BYTES) {
            throw new IllegalArgumentException("metadata is longer than " + MAX_METADATA_BYTES + " bytes");
        }
        String problem = dev.pkauth.internal.text.Json.objectProblem(json);
        if (problem != null) throw new IllegalArgumentException("metadata must be a JSON object: " + problem);
        return json.strip();
    }
}
