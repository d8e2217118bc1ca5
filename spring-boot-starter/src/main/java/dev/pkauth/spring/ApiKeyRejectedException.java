package dev.pkauth.spring;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.http.AuthFailure;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.BadCredentialsException;

/**
 * Core's refusal of a request's key, as Spring Security's authentication failure: the entry point
 * answers it as the other adapters do (status, challenge, JSON), and Spring publishes it as an
 * {@code AuthenticationFailureBadCredentialsEvent}. The message is the refusal's description,
 * never the key.
 */
public final class ApiKeyRejectedException extends BadCredentialsException {
    private static final long serialVersionUID = 1L;

    private final transient AuthFailure failure;
    private final transient @Nullable ApiKeyPrincipal principal;

    ApiKeyRejectedException(AuthFailure failure, @Nullable ApiKeyPrincipal principal) {
        super(failure.status() + " " + failure.error());
        this.failure = failure;
        this.principal = principal;
    }

    /** @return the refusal, as core decided it */
    public AuthFailure failure() {
        return failure;
    }

    /** @return the key when it was valid but refused (its address), for access logs; else {@code null} */
    public @Nullable ApiKeyPrincipal principal() {
        return principal;
    }
}
