package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyPrincipal;
import jakarta.ws.rs.core.SecurityContext;
import java.util.Optional;

/**
 * Reaching the caller from a resource method.
 *
 * <pre>{@code
 * @GET public Doc get(@Context SecurityContext sc) {
 *     ApiKeyPrincipal who = ApiKeyPrincipals.require(sc);
 *     return docs.find(who.userId());
 * }
 * }</pre>
 */
public final class ApiKeyPrincipals {
    private ApiKeyPrincipals() {}

    /**
     * The caller's principal, or empty on an anonymous ({@code @PermitAll}) request.
     *
     * @param context the request's security context
     * @return the principal, or empty
     */
    public static Optional<ApiKeyPrincipal> find(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof ApiKeyPrincipal p ? Optional.of(p) : Optional.empty();
    }

    /**
     * The caller's principal.
     *
     * @param context the request's security context
     * @return the principal
     * @throws IllegalStateException on a request pkauth did not authenticate: a resource that calls
     *     this must not be {@code @PermitAll}
     */
    public static ApiKeyPrincipal require(SecurityContext context) {
        return find(context).orElseThrow(() -> new IllegalStateException(
                "no API key principal on this request: is the resource @PermitAll, or is ApiKeyAuthFilter not registered?"));
    }
}
