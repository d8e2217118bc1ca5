package dev.pkauth.spring;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring Security's way in for a key: the converter reads the request's Bearer credentials, the
 * {@link AuthenticationManager} (with an {@link ApiKeyAuthenticationProvider}) verifies them and
 * publishes Spring's authentication events, and a refusal goes to the entry point, which answers
 * it as the other adapters do. A request without Bearer credentials goes on for Spring Security's
 * rules to decide. Like Spring's own {@code AuthenticationFilter}, with one difference: the
 * request that goes on says {@code getAuthType()} {@code Bearer}, as the Servlet filter's do.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {
    private final AuthenticationConverter converter;
    private final AuthenticationManager manager;
    private final AuthenticationEntryPoint entryPoint;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();
    // Kept for the request (its error dispatch included), never in a session.
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    ApiKeyAuthenticationFilter(AuthenticationConverter converter, AuthenticationManager manager, AuthenticationEntryPoint entryPoint) {
        this.converter = converter;
        this.manager = manager;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication credentials = converter.convert(request);
        if (credentials == null) {
            chain.doFilter(request, response);
            return;
        }
        Authentication authenticated;
        try {
            authenticated = manager.authenticate(credentials);
        } catch (AuthenticationException e) {
            contexts.clearContext();
            entryPoint.commence(request, response, e);
            return;
        }
        if (authenticated == null || !authenticated.isAuthenticated()) {
            chain.doFilter(request, response);
            return;
        }
        SecurityContext context = contexts.createEmptyContext();
        context.setAuthentication(authenticated);
        contexts.setContext(context);
        repository.saveContext(context, request, response);
        if (authenticated.getPrincipal() instanceof ApiKeyPrincipal principal) {
            request.setAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE, principal);
        }
        chain.doFilter(new BearerRequest(request), response);
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
