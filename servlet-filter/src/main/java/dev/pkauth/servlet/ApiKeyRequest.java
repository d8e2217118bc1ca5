package dev.pkauth.servlet;

import dev.pkauth.ApiKeyPrincipal;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/** A request authenticated by an API key: the container's security methods answer for the key. */
final class ApiKeyRequest extends HttpServletRequestWrapper {
    private final ApiKeyPrincipal principal;

    ApiKeyRequest(HttpServletRequest request, ApiKeyPrincipal principal) {
        super(request);
        this.principal = principal;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public String getRemoteUser() {
        return principal.userId();
    }

    /** Scopes act as roles, wildcards included. */
    @Override
    public boolean isUserInRole(String role) {
        return principal.hasScope(role);
    }

    @Override
    public String getAuthType() {
        return ApiKeyFilter.AUTH_TYPE;
    }
}
