package dev.pkauth.spring;

import dev.pkauth.ApiKeyPrincipal;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.authorization.DefaultAuthorizationManagerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Spring Security's authority checks, with pkauth's scope wildcards: for a request authenticated
 * by a key, {@code hasAuthority('SCOPE_docs:write')} holds when the key has {@code docs:write},
 * {@code docs:*} or {@code *}, in URL rules and in {@code @PreAuthorize} alike. Everything else
 * (roles, other authentications, other authorities) is Spring's default. The starter registers
 * one as a bean unless the application has its own {@link AuthorizationManagerFactory}.
 *
 * @param <T> what is being authorized
 */
public final class ScopeAuthorizationManagerFactory<T> implements AuthorizationManagerFactory<T> {
    private final AuthorizationManagerFactory<T> delegate;

    /** Over Spring's {@link DefaultAuthorizationManagerFactory}. */
    public ScopeAuthorizationManagerFactory() {
        this(new DefaultAuthorizationManagerFactory<>());
    }

    /** @param delegate answers every check that is not a key's scope */
    public ScopeAuthorizationManagerFactory(AuthorizationManagerFactory<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public AuthorizationManager<T> hasAuthority(String authority) {
        return keyAware(false, delegate.hasAuthority(authority), authority);
    }

    @Override
    public AuthorizationManager<T> hasAnyAuthority(String... authorities) {
        return keyAware(false, delegate.hasAnyAuthority(authorities), authorities);
    }

    @Override
    public AuthorizationManager<T> hasAllAuthorities(String... authorities) {
        return keyAware(true, delegate.hasAllAuthorities(authorities), authorities);
    }

    @Override
    public AuthorizationManager<T> permitAll() {
        return delegate.permitAll();
    }

    @Override
    public AuthorizationManager<T> denyAll() {
        return delegate.denyAll();
    }

    @Override
    public AuthorizationManager<T> hasRole(String role) {
        return delegate.hasRole(role);
    }

    @Override
    public AuthorizationManager<T> hasAnyRole(String... roles) {
        return delegate.hasAnyRole(roles);
    }

    @Override
    public AuthorizationManager<T> hasAllRoles(String... roles) {
        return delegate.hasAllRoles(roles);
    }

    @Override
    public AuthorizationManager<T> authenticated() {
        return delegate.authenticated();
    }

    @Override
    public AuthorizationManager<T> fullyAuthenticated() {
        return delegate.fullyAuthenticated();
    }

    @Override
    public AuthorizationManager<T> rememberMe() {
        return delegate.rememberMe();
    }

    @Override
    public AuthorizationManager<T> anonymous() {
        return delegate.anonymous();
    }

    private AuthorizationManager<T> keyAware(boolean all, AuthorizationManager<T> otherwise, String... authorities) {
        List<String> required = List.copyOf(Arrays.asList(authorities));
        List<GrantedAuthority> named = required.stream().<GrantedAuthority>map(SimpleGrantedAuthority::new).toList();
        return (Supplier<? extends Authentication> authentication, T object) -> {
            Authentication a = authentication.get();
            if (!(a instanceof ApiKeyAuthentication key)) return otherwise.authorize(authentication, object);
            boolean granted = all ? required.stream().allMatch(r -> holds(key, r)) : required.stream().anyMatch(r -> holds(key, r));
            if (!granted) recordDenied(all ? required.stream().filter(r -> !holds(key, r)).toList() : required);
            // The decision names what was required, so a 403 can name the scopes (RFC 6750 §3).
            return new AuthorityAuthorizationDecision(granted, named);
        };
    }

    /**
     * Request attribute listing the scopes a denied check required: the decision of a
     * {@code @PreAuthorize} expression says only true or false, so the 403 reads the scopes from here.
     */
    static final String DENIED_SCOPES = ScopeAuthorizationManagerFactory.class.getName() + ".denied";

    private static void recordDenied(List<String> authorities) {
        org.springframework.web.context.request.RequestAttributes request =
                org.springframework.web.context.request.RequestContextHolder.getRequestAttributes();
        if (request == null) return;
        @SuppressWarnings("unchecked")
        List<String> denied = (List<String>) request.getAttribute(DENIED_SCOPES,
                org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        if (denied == null) {
            denied = new java.util.ArrayList<>();
            request.setAttribute(DENIED_SCOPES, denied, org.springframework.web.context.request.RequestAttributes.SCOPE_REQUEST);
        }
        for (String a : authorities) {
            if (a.startsWith(ApiKeyAuthentication.SCOPE_PREFIX)) {
                String scope = a.substring(ApiKeyAuthentication.SCOPE_PREFIX.length());
                if (!denied.contains(scope)) denied.add(scope);
            }
        }
    }

    private static boolean holds(ApiKeyAuthentication key, String authority) {
        ApiKeyPrincipal p = key.getPrincipal();
        if (authority.startsWith(ApiKeyAuthentication.SCOPE_PREFIX)) {
            return p.hasScope(authority.substring(ApiKeyAuthentication.SCOPE_PREFIX.length()));
        }
        return key.getAuthorities().stream().anyMatch(g -> authority.equals(g.getAuthority()));
    }
}
