package dev.pkauth.spring;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * A request's Bearer credentials, not yet verified: what {@link ApiKeyAuthenticationConverter}
 * makes of a request and {@link ApiKeyAuthenticationProvider} verifies. The header values are
 * never shown ({@code toString} says only that there are some) and are erased after use.
 */
final class ApiKeyAuthenticationRequest extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private @Nullable List<String> authorization;
    private final @Nullable String clientAddress;

    ApiKeyAuthenticationRequest(List<String> authorization, @Nullable String clientAddress) {
        super(List.of());
        this.authorization = List.copyOf(authorization);
        this.clientAddress = clientAddress;
        setAuthenticated(false);
    }

    /** Every {@code Authorization} header of the request, in order; empty once erased. */
    List<String> authorization() {
        List<String> a = authorization;
        return a == null ? List.of() : a;
    }

    /** The address the container reports. */
    @Nullable String clientAddress() {
        return clientAddress;
    }

    /** @return the Bearer credentials (never printed) */
    @Override
    public @Nullable Object getCredentials() {
        return authorization;
    }

    /** @return nobody yet: the key is not verified */
    @Override
    public Object getPrincipal() {
        return "";
    }

    @Override
    public void eraseCredentials() {
        authorization = null;
        super.eraseCredentials();
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[credentials not shown]";
    }
}
