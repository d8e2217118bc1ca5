package dev.pkauth.http;

/**
 * The host's answer to "what may this signed-in user put on a key?", asked on every request a
 * session makes to the keys endpoints, so a change of role takes effect at once.
 *
 * <pre>{@code
 * SessionPolicy policy = userId -> admins.contains(userId)
 *         ? SessionGrant.of(List.of("docs:read", "docs:write")).maxLifetime(Duration.ofDays(366))
 *         : SessionGrant.of(List.of("docs:read"));
 * }</pre>
 */
@dev.pkauth.Beta
@FunctionalInterface
public interface SessionPolicy {
    /** Grants nothing: signed-in users may mint keys with no scope that live at most 90 days. */
    SessionPolicy NONE = userId -> SessionGrant.none();

    /**
     * What this user may grant now.
     *
     * @param userId the signed-in user, as the host authenticated them
     * @return the grant; never {@code null}
     */
    SessionGrant grantFor(String userId);
}
