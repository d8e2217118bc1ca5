package dev.pkauth.spring;

import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.BearerAuthenticator;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Verifies a request's Bearer key with core's decision ({@link BearerAuthenticator#identify}): the
 * header, the per-address budget of rejected keys, the key and its address allowlist. A valid key
 * becomes an {@link ApiKeyAuthentication}; a refusal is thrown as an {@link ApiKeyRejectedException}
 * carrying core's answer. {@link PkauthConfigurer} puts one in the chain's own {@code
 * ProviderManager} (so Spring's authentication events fire for keys); an application composing its
 * own {@code AuthenticationManager} adds one and gives that manager to {@link
 * PkauthConfigurer#authenticationManager}.
 */
public final class ApiKeyAuthenticationProvider implements AuthenticationProvider {
    private final BearerAuthenticator authenticator;

    /** @param authenticator core's decision, for the store and realm of the chain */
    public ApiKeyAuthenticationProvider(BearerAuthenticator authenticator) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    }

    /**
     * @param authentication the converter's unverified Bearer credentials
     * @return the key's authentication, or {@code null} when the request carries no Bearer credentials
     * @throws AuthenticationException ({@link ApiKeyRejectedException}) when core refuses the key
     */
    @Override
    public @Nullable Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (!(authentication instanceof ApiKeyAuthenticationRequest request)) return null;
        AuthOutcome outcome = authenticator.identify(request.authorization(), request.clientAddress());
        if (outcome instanceof AuthOutcome.Rejected rejected) throw new ApiKeyRejectedException(rejected.failure(), rejected.principal());
        if (outcome instanceof AuthOutcome.Authenticated ok) return new ApiKeyAuthentication(ok.principal());
        return null;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return ApiKeyAuthenticationRequest.class.isAssignableFrom(authentication);
    }
}
