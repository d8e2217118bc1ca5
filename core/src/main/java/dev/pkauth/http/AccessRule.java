package dev.pkauth.http;

import java.util.List;

/**
 * What a resource asks of a request: whether anonymous callers may pass, and which scopes a key
 * must hold (all of {@code allOf}, and at least one of {@code anyOf} when it is not empty).
 *
 * @param anonymous requests without credentials pass unauthenticated (a presented key is still checked)
 * @param allOf scopes that must all be held
 * @param anyOf scopes of which one must be held (for {@code @RolesAllowed}); empty means no such rule
 * @param denyAll no key passes ({@code @DenyAll}): a valid key gets 403 and spends nothing
 */
public record AccessRule(boolean anonymous, List<String> allOf, List<String> anyOf, boolean denyAll) {
    /** Any valid key passes. */
    public static final AccessRule AUTHENTICATED = new AccessRule(false, List.of(), List.of());
    /** Requests without credentials pass; a presented key is still checked. */
    public static final AccessRule ANONYMOUS = new AccessRule(true, List.of(), List.of());
    /** No key passes ({@code @DenyAll}): a valid key gets 403 and spends nothing. */
    public static final AccessRule DENY_ALL = new AccessRule(false, List.of(), List.of(), true);

    /**
     * @param anonymous whether requests without credentials pass unauthenticated
     * @param allOf scopes that must all be held
     * @param anyOf scopes of which one must be held; empty for no such rule
     * @param denyAll no key passes
     * @throws IllegalArgumentException for a scope that is not one (empty, spaces, quotes, commas),
     *     or anonymous access combined with required scopes or with denying all
     */
    public AccessRule {
        // Scopes as the store accepts them: trimmed, de-duplicated, printable without spaces.
        allOf = dev.pkauth.internal.text.Validation.scopes(allOf);
        anyOf = dev.pkauth.internal.text.Validation.scopes(anyOf);
        if (anonymous && !allOf.isEmpty()) {
            throw new IllegalArgumentException("anonymous access and required scopes exclude each other");
        }
        if (denyAll && anonymous) throw new IllegalArgumentException("a rule cannot both deny all and allow anonymous access");
    }

    /**
     * A rule that does not deny all.
     *
     * @param anonymous whether requests without credentials pass unauthenticated
     * @param allOf scopes that must all be held
     * @param anyOf scopes of which one must be held; empty for no such rule
     */
    public AccessRule(boolean anonymous, List<String> allOf, List<String> anyOf) {
        this(anonymous, allOf, anyOf, false);
    }

    /**
     * A rule requiring a key that holds all of {@code scopes}.
     *
     * @param scopes the scopes to grant
     * @return the rule
     */
    public static AccessRule requireScopes(List<String> scopes) {
        return new AccessRule(false, scopes, List.of());
    }
}
