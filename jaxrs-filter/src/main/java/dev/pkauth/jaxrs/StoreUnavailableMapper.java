package dev.pkauth.jaxrs;

import dev.pkauth.StoreUnavailableException;
import dev.pkauth.http.AuthFailure;
import dev.pkauth.http.BearerAuthenticator;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers a {@link StoreUnavailableException} escaping a resource (creating a key while the
 * database is down, say) with 503 and {@code Retry-After}, as the filter does, instead of 500.
 * Registered by {@link ApiKeyFeature} and by scanning {@code dev.pkauth.jaxrs}.
 */
@Provider
public final class StoreUnavailableMapper implements ExceptionMapper<StoreUnavailableException> {
    @Override
    public Response toResponse(StoreUnavailableException exception) {
        return ApiKeyAuthFilter.response(AuthFailure.unavailable(BearerAuthenticator.RETRY_AFTER_SECONDS), false);
    }
}
