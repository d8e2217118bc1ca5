package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.KeysEndpoint;
import dev.pkauth.http.OriginProof;
import dev.pkauth.http.SessionCaller;
import dev.pkauth.http.SessionPolicy;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.InputStream;
import java.net.URI;
import java.security.Principal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Self-service keys ({@link KeysEndpoint}) as a JAX-RS sub-resource: callers list, show, create,
 * disable and revoke their own keys. Return it from a locator at the path of your choosing, behind
 * {@link ApiKeyAuthFilter}:
 *
 * <pre>{@code
 * @Path("api/keys")
 * public KeysResource keys() {
 *     return keys; // new KeysResource(store, "api", "/api/keys"), made once
 * }
 * }</pre>
 *
 * <p>The host's signed-in users (whatever sets the request's {@code SecurityContext} user before
 * pkauth's filter: container authentication, a filter of the host's) manage their own keys here
 * too, within what a {@link SessionPolicy} grants them; a request that carries no key is theirs.
 * Their writes must come from the host's own page with the session's token (see
 * {@link OriginProof}), which {@link KeysConsoleResource} sends; the token lives in the servlet
 * container's session.
 *
 * <p>Every answer, 404 and 405 included, is the endpoint's JSON: the resource takes GET (and so HEAD),
 * POST, PUT, PATCH and DELETE on every path below the mount and lets the endpoint decide. One
 * method per verb, since JAX-RS allows one designator per method.
 */
@dev.pkauth.Beta
public final class KeysResource {
    private final KeysEndpoint endpoint;
    private final SessionPolicy policy;

    /**
     * @param store the key store
     * @param realm the realm of challenges (the filter's)
     * @param mountPath the path the locator is at, as clients see it (for {@code Location})
     */
    public KeysResource(ApiKeyStore store, String realm, String mountPath) {
        this(store, realm, mountPath, SessionPolicy.NONE);
    }

    /**
     * @param store the key store
     * @param realm the realm of challenges (the filter's)
     * @param mountPath the path the locator is at, as clients see it (for {@code Location})
     * @param policy what each signed-in user may put on keys, asked per request
     */
    public KeysResource(ApiKeyStore store, String realm, String mountPath, SessionPolicy policy) {
        this.endpoint = new KeysEndpoint(store, realm, mountPath);
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /**
     * GET on the collection.
     *
     * @param request the request
     * @param security its security context
     * @param body its body
     * @return the endpoint's answer
     */
    @GET
    public Response collectionGet(@Context ContainerRequestContext request, @Context SecurityContext security, InputStream body) {
        return answer(request, security, "", body);
    }

    /**
     * GET on one key.
     *
     * @param request the request
     * @param security its security context
     * @param rest the path below the mount
     * @param body its body
     * @return the endpoint's answer
     */
    @GET
    @Path("{rest: .+}")
    public Response memberGet(@Context ContainerRequestContext request, @Context SecurityContext security,
            @PathParam("rest") String rest, InputStream body) {
        return answer(request, security, "/" + rest, body);
    }

    /**
     * POST on the collection.
     *
     * @param request the request
     * @param security its security context
     * @param body its body
     * @return the endpoint's answer
     */
    @POST
    public Response collectionPost(@Context ContainerRequestContext request, @Context SecurityContext security, InputStream body) {
        return answer(request, security, "", body);
    }

    /**
     * POST on one key.
     *
     * @param request the request
     * @param security its security context
     * @param rest the path below the mount
     * @param body its body
     * @return the endpoint's answer
     */
    @POST
    @Path("{rest: .+}")
    public Response memberPost(@Context ContainerRequestContext request, @Context SecurityContext security,
            @PathParam("rest") String rest, InputStream body) {
        return answer(request, security, "/" + rest, body);
    }

    /**
     * PUT on the collection.
     *
     * @param request the request
     * @param security its security context
     * @param body its body
     * @return the endpoint's answer
     */
    @PUT
    public Response collectionPut(@Context ContainerRequestContext request, @Context SecurityContext security, InputStream body) {
        return answer(request, security, "", body);
    }

    /**
     * PUT on one key.
     *
     * @param request the request
     * @param security its security context
     * @param rest the path below the mount
     * @param body its body
     * @return the endpoint's answer
     */
    @PUT
    @Path("{rest: .+}")
    public Response memberPut(@Context ContainerRequestContext request, @Context SecurityContext security,
            @PathParam("rest") String rest, InputStream body) {
        return answer(request, security, "/" + rest, body);
    }

    /**
     * PATCH on the collection.
     *
     * @param request the request
     * @param security its security context
     * @param body its body
     * @return the endpoint's answer
     */
    @PATCH
    public Response collectionPatch(@Context ContainerRequestContext request, @Context SecurityContext security, InputStream body) {
        return answer(request, security, "", body);
    }

    /**
     * PATCH on one key.
     *
     * @param request the request
     * @param security its security context
     * @param rest the path below the mount
     * @param body its body
     * @return the endpoint's answer
     */
    @PATCH
    @Path("{rest: .+}")
    public Response memberPatch(@Context ContainerRequestContext request, @Context SecurityContext security,
            @PathParam("rest") String rest, InputStream body) {
        return answer(request, security, "/" + rest, body);
    }

    /**
     * DELETE on the collection.
     *
     * @param request the request
     * @param security its security context
     * @param body its body
     * @return the endpoint's answer
     */
    @DELETE
    public Response collectionDelete(@Context ContainerRequestContext request, @Context SecurityContext security, InputStream body) {
        return answer(request, security, "", body);
    }

    /**
     * DELETE on one key.
     *
     * @param request the request
     * @param security its security context
     * @param rest the path below the mount
     * @param body its body
     * @return the endpoint's answer
     */
    @DELETE
    @Path("{rest: .+}")
    public Response memberDelete(@Context ContainerRequestContext request, @Context SecurityContext security,
            @PathParam("rest") String rest, InputStream body) {
        return answer(request, security, "/" + rest, body);
    }

    private Response answer(ContainerRequestContext request, SecurityContext security, String path, InputStream body) {
        String length = request.getHeaderString("Content-Length");
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            declared = -1;
        }
        return LeakResource.response(endpoint.handle(new KeysEndpoint.Request(request.getMethod(), path,
                request.getUriInfo().getRequestUri().getRawQuery(), request.getHeaderString("Content-Type"), declared,
                request.getHeaderString("Transfer-Encoding"), body, ApiKeyPrincipals.find(security).orElse(null),
                session(request, security), request.getHeaderString("Idempotency-Key"))));
    }

    /** The host's signed-in user, when the request carries no key and somebody signed in. */
    private @Nullable SessionCaller session(ContainerRequestContext request, SecurityContext security) {
        Principal user = SessionTokens.signedIn(security);
        if (user == null) return null;
        URI base = request.getUriInfo().getBaseUri();
        String expected = request.getProperty(SessionTokens.PROPERTY) instanceof SessionTokens t ? t.current() : null;
        OriginProof proof = OriginProof.of(request.getHeaderString("Origin"), request.getHeaderString("Sec-Fetch-Site"),
                OriginProof.originOf(base.getScheme(), base.getHost(), base.getPort()),
                request.getHeaderString(OriginProof.TOKEN_HEADER), expected);
        return new SessionCaller(user.getName(), policy.grantFor(user.getName()), proof);
    }
}
