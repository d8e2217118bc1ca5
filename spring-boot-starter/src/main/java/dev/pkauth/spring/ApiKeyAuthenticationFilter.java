package dev.pkauth.spring;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Identifies the key of a request with core's decision ({@link BearerAuthenticator#identify}):
 * a valid key becomes an {@link ApiKeyAuthentication}; a request without one goes on for Spring
 * Security's rules to decide; everything else (400, 401, 429, 503, 403 for an address outside the
 * key's allowlist) is answered here as the other adapters answer it.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
    private final BearerAuthenticator authenticator;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    // Kept for the request (its error dispatch included), never in a session.
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    ApiKeyAuthenticationFilter(BearerAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        AuthOutcome outcome = authenticator.identify(Collections.list(request.getHeaders("Authorization")),
                request.getRemoteAddr());
        if (outcome instanceof AuthOutcome.Rejected rejected) {
            // A valid key refused (its address) is still named, for access logs.
            if (rejected.principal() != null) request.setAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE, rejected.principal());
            ApiKeyFilter.refuse(request, response, rejected.failure());
            return;
        }
        if (outcome instanceof AuthOutcome.Authenticated ok) {
            ApiKeyPrincipal principal = ok.principal();
            SecurityContext context = contexts.createEmptyContext();
            context.setAuthentication(new ApiKeyAuthentication(principal));
            contexts.setContext(context);
            repository.saveContext(context, request, response);
            request.setAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE, principal);
            chain.doFilter(new BearerRequest(request), response);
            return;
        }
        chain.doFilter(request, response);
    }

    /** {@code getAuthType()} says {@code Bearer}, as the Servlet filter's requests do. */
    private static final class BearerRequest extends HttpServletRequestWrapper {
        BearerRequest(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getAuthType() {
            return ApiKeyFilter.AUTH_TYPE;
        }
    }
}
