package dev.pkauth.spring;

import dev.pkauth.http.BearerCredentials;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * A request's {@code Authorization} headers as an unverified authentication, when they carry (or
 * try to carry) Bearer credentials as core reads them ({@link BearerCredentials}); {@code null}
 * otherwise, so the request goes on for the chain's other mechanisms and rules.
 */
final class ApiKeyAuthenticationConverter implements AuthenticationConverter {
    /** Requests that carry Bearer credentials (well formed or not), by core's one reading of the header. */
    static final RequestMatcher BEARER = request -> !(BearerCredentials.parse(headers(request)) instanceof BearerCredentials.Absent);

    @Override
    public @Nullable Authentication convert(HttpServletRequest request) {
        List<String> headers = headers(request);
        if (BearerCredentials.parse(headers) instanceof BearerCredentials.Absent) return null;
        return new ApiKeyAuthenticationRequest(headers, request.getRemoteAddr());
    }

    static List<String> headers(HttpServletRequest request) {
        return Collections.list(request.getHeaders("Authorization"));
    }
}
