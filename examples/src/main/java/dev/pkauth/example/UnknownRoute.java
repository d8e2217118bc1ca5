package dev.pkauth.example;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.AccessRule;
import dev.pkauth.http.AuthFailure;
import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.List;

/**
 * A path under {@code /api} that matches no resource: without a valid key it answers like any
 * protected route (401), so routes cannot be discovered; with one, 404. Request filters do not
 * run for unmatched paths, so this is where the key is checked. Nothing is metered: no resource ran.
 */
@Provider
public final class UnknownRoute implements ExceptionMapper<NotFoundException> {
    @Context
    private HttpHeaders headers;
    @Context
    private HttpServletRequest request;
    @Context
    private ServletContext context;
    @Context
    private jakarta.ws.rs.core.Configuration configuration;

    @Override
    public Response toResponse(NotFoundException notFound) {
        ApiKeyStore store = (ApiKeyStore) context.getAttribute(ApiKeyFilter.STORE_ATTRIBUTE);
        List<String> authorization = headers.getRequestHeader(HttpHeaders.AUTHORIZATION);
        Object realm = configuration.getProperty(dev.pkauth.jaxrs.ApiKeyAuthFilter.REALM_PROPERTY);
        AuthOutcome outcome = new BearerAuthenticator(store, dev.pkauth.http.Deployment.realm(realm, dev.pkauth.Settings.of(java.util.Map.of())))
                .check(authorization, request.getRemoteAddr());
        if (outcome instanceof AuthOutcome.Rejected rejected) {
            AuthFailure f = rejected.failure();
            Response.ResponseBuilder r = Response.status(f.status()).entity(f.body());
            f.headers().forEach(r::header);
            return r.build();
        }
        return ApiErrors.notFound("no such route");
    }
}
