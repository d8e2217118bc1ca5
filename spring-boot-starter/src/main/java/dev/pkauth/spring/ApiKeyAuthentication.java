package dev.pkauth.spring;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyPrincipal;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A request authenticated by a pkauth key: the principal is the {@link ApiKeyPrincipal}, the name
 * its user id, the authorities {@code SCOPE_<scope>} for each scope the key holds and Spring
 * Security's bearer factor ({@code FACTOR_BEARER}, as its opaque-token provider grants), so
 * {@code RequiredFactor} rules can tell a key. There are no credentials: the token is never kept.
 *
 * <pre>{@code
 * @GetMapping("/whoami")
 * String whoami(@AuthenticationPrincipal ApiKeyPrincipal key) { return key.userId(); }
 * }</pre>
 */
public final class ApiKeyAuthentication extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;
    /** The prefix of every scope authority, as Spring Security's OAuth2 resource server uses. */
    public static final String SCOPE_PREFIX = "SCOPE_";

    /** The key's principal. */
    private final ApiKeyPrincipal principal;

    /** @param principal the verified key */
    public ApiKeyAuthentication(ApiKeyPrincipal principal) {
        super(authorities(principal));
        this.principal = principal;
        setAuthenticated(true);
    }

    private static List<GrantedAuthority> authorities(ApiKeyPrincipal principal) {
        List<GrantedAuthority> all = new java.util.ArrayList<>(principal.scopes().size() + 1);
        for (String s : principal.scopes()) all.add(new SimpleGrantedAuthority(SCOPE_PREFIX + s));
        all.add(FactorGrantedAuthority.fromAuthority(FactorGrantedAuthority.BEARER_AUTHORITY));
        return all;
    }

    @Override
    public ApiKeyPrincipal getPrincipal() {
        return principal;
    }

    /** @return {@code null}: the token is never kept */
    @Override
    public @Nullable Object getCredentials() {
        return null;
    }

    @Override
    public String getName() {
        return principal.userId();
    }
}
