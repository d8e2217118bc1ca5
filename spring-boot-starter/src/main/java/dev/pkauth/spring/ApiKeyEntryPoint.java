package dev.pkauth.spring;

import dev.pkauth.http.AuthFailure;
import dev.pkauth.servlet.ApiKeyFilter;
import dev.pkauth.servlet.Refusals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * Answers authentication failures from core's {@link AuthFailure}: a refused key as core decided
 * (400, 401, 403 for an address outside its allowlist, 429, 503), anything else (no credentials on
 * a protected route) as 401 with a challenge.
 */
final class ApiKeyEntryPoint implements AuthenticationEntryPoint {
    private final AuthFailure missing;

    ApiKeyEntryPoint(String realm) {
        this.missing = AuthFailure.missingCredentials(realm);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        if (e instanceof ApiKeyRejectedException rejected) {
            // A valid key refused (its address) is still named, for access logs.
            if (rejected.principal() != null) request.setAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE, rejected.principal());
            Refusals.write(request, response, rejected.failure());
            return;
        }
        Refusals.write(request, response, missing);
    }
}
