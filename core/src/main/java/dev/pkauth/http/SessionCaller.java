package dev.pkauth.http;

import java.util.Objects;

/**
 * The host application's signed-in user calling the keys endpoints on a session (form login,
 * container authentication, OAuth login…), as an adapter found them. The user id comes from the
 * host's authentication, never from the request.
 *
 * @param userId the user, as the host names them (the keys' owner)
 * @param grant what the host lets this user put on keys now
 * @param proof what shows the request came from the host's own page
 */
@dev.pkauth.Beta
public record SessionCaller(String userId, SessionGrant grant, OriginProof proof) {
    /**
     * @param userId the user, as the host names them
     * @param grant what the host lets this user put on keys now
     * @param proof what shows the request came from the host's own page
     * @throws IllegalArgumentException for a blank user id
     */
    public SessionCaller {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(proof, "proof");
        if (userId.isBlank()) throw new IllegalArgumentException("userId must not be blank");
    }
}
