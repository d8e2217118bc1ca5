package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyPrincipal;
import jakarta.ws.rs.core.SecurityContext;

/** The security context of a request authenticated by an API key; scopes act as roles. */
final class ApiKeySecurityContext implements SecurityContext {
    private final ApiKeyPrincipal principal;
    private final boolean secure;

    ApiKeySecurityContext(ApiKeyPrincipal principal, boolean secure) {
        this.principal = principal;
        this.secure = secure;
    }

    @Override
    public ApiKeyPrincipal getUserPrincipal() {
        return principal;
    }

    @Override
    public boolean isUserInRole(String role) {
        return principal.hasScope(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return dev.pkauth.http.Deployment.SCHEME;
    }
}
