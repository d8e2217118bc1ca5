package dev.pkauth.jaxrs;

import dev.pkauth.http.KeysEndpoint;
import dev.pkauth.http.LeakEndpoint;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Objects;

/**
 * What a deployment answers when its keys leak ({@link LeakEndpoint}) as a JAX-RS sub-resource:
 * {@code POST github} and {@code POST gitlab} below the locator's path for the reporters, and
 * {@code GET} at the locator's own path for the validity probe. Return it from two locators:
 *
 * <pre>{@code
 * @Path("leaks")
 * public LeakResource leaks() { return leaks; }       // POST /leaks/github, /leaks/gitlab
 *
 * @Path("keys/status")
 * public LeakResource keyStatus() { return leaks; }   // GET /keys/status
 * }</pre>
 *
 * {@link ApiKeyAuthFilter} leaves its methods alone: reports are authenticated by their signature,
 * and the probe checks its token itself without using it (as a use it would spend credits).
 */
@dev.pkauth.Beta
public final class LeakResource {
    /** Where {@link ApiKeyAuthFilter} leaves the client's address for the probe's budget. */
    static final String CLIENT_ADDRESS_PROPERTY = "dev.pkauth.jaxrs.clientAddress";

    private final LeakEndpoint endpoint;

    /** @param endpoint the endpoint, configured with the store and the reporters' key URLs */
    public LeakResource(LeakEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * The validity probe.
     *
     * @param request the request (the client's address is the filter's, when it runs)
     * @return 200 {@code {"active":true}} or 401
     */
    @GET
    public Response status(@Context ContainerRequestContext request) {
        return response(endpoint.status(request.getHeaders().get(HttpHeaders.AUTHORIZATION),
                request.getProperty(CLIENT_ADDRESS_PROPERTY) instanceof String a ? a : null));
    }

    /**
     * A GitHub secret scanning alert.
     *
     * @param request the request
     * @param body its raw body
     * @return 201 with the feedback array, or the refusal
     */
    @POST
    @Path("github")
    public Response github(@Context ContainerRequestContext request, InputStream body) {
        return report(LeakEndpoint.Reporter.GITHUB, request, body);
    }

    /**
     * A GitLab token revocation request.
     *
     * @param request the request
     * @param body its raw body
     * @return 201 with the feedback array, or the refusal
     */
    @POST
    @Path("gitlab")
    public Response gitlab(@Context ContainerRequestContext request, InputStream body) {
        return report(LeakEndpoint.Reporter.GITLAB, request, body);
    }

    private Response report(LeakEndpoint.Reporter reporter, ContainerRequestContext request, InputStream body) {
        long declared = request.getLength();
        return response(endpoint.report(reporter, request.getHeaderString(reporter.identifierHeader()),
                request.getHeaderString(reporter.signatureHeader()), declared, body));
    }

    static Response response(KeysEndpoint.Answer answer) {
        Response.ResponseBuilder b = Response.status(answer.status());
        answer.headers().forEach(b::header);
        if (!answer.body().isEmpty()) b.entity(answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return b.build();
    }
}
