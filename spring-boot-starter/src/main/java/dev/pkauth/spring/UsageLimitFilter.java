package dev.pkauth.spring;

import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spends a key's usage limits ({@link BearerAuthenticator#admit}) once Spring Security's URL rules
 * have let the request through, so a request they refuse spends nothing; 429 (or 503) otherwise,
 * and the {@code RateLimit} headers of a rate-limited key on what passes. A request refused later
 * ({@code @PreAuthorize}, no handler) gets its credit back ({@link BearerAuthenticator#settle}).
 */
final class UsageLimitFilter extends OncePerRequestFilter {
    private final BearerAuthenticator authenticator;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    UsageLimitFilter(BearerAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = contexts.getContext().getAuthentication();
        if (authentication instanceof ApiKeyAuthentication key) {
            AuthOutcome outcome = authenticator.admit(key.getPrincipal());
            if (outcome instanceof AuthOutcome.Rejected rejected) {
                dev.pkauth.servlet.Refusals.write(request, response, rejected.failure());
                return;
            }
            ((AuthOutcome.Authenticated) outcome).headers().forEach(response::setHeader);
            try {
                chain.doFilter(request, response);
            } catch (ServletException | RuntimeException e) {
                // @PreAuthorize's denial travels up as an exception (wrapped by the DispatcherServlet),
                // to be answered 403 by the ExceptionTranslationFilter before this filter.
                if (deniedAccess(e)) authenticator.settle(key.getPrincipal(), HttpServletResponse.SC_FORBIDDEN);
                throw e;
            }
            // A refusal after metering (a 404 for no handler, a 400 the controller answered) gives the credit back.
            authenticator.settle(key.getPrincipal(), response.getStatus());
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean deniedAccess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.security.access.AccessDeniedException) return true;
        }
        return false;
    }
}
