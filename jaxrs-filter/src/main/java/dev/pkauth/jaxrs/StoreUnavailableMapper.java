package dev.pkauth.jaxrs;

import dev.pkauth.StoreUnavailableException;
import dev.pkauth.http.AuthFailure;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Answers a {@link StoreUnavailableException} escaping a resource (creating a key while the
 * database is down, say) as the filter does: 503 and {@code Retry-After}, or 500
 * {@code store_read_only} for a read-only database ({@link AuthFailure#storeFailure}).
 * Registered by {@link ApiKeyFeature} and by scanning {@code dev.pkauth.jaxrs}.
 */
@Provider
public final class StoreUnavailableMapper implements ExceptionMapper<StoreUnavailableException> {
    /** For scanning and {@link ApiKeyFeature}: the JAX-RS runtime makes it. */
    public StoreUnavailableMapper() {}

    @Override
    public Response toResponse(StoreUnavailableException exception) {
        return ApiKeyAuthFilter.response(AuthFailure.storeFailure(exception), false);
    }
}
