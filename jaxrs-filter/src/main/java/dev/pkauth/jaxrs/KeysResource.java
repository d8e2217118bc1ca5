package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.KeysEndpoint;
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
 * Every answer, 404 and 405 included, is the endpoint's JSON: the resource takes GET (and so HEAD),
 * POST, PUT, PATCH and DELETE on every path below the mount and lets the endpoint decide. One
 * method per verb, since JAX-RS allows one designator per method.
 */
@dev.pkauth.Beta
public final class KeysResource {
    private final KeysEndpoint endpoint;

    /**
     * @param store the key store
     * @param realm the realm of challenges (the filter's)
     * @param mountPath the path the locator is at, as clients see it (for {@code Location})
     */
    public KeysResource(ApiKeyStore store, String realm, String mountPath) {
        this.endpoint = new KeysEndpoint(store, realm, mountPath);
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
                request.getHeaderString("Transfer-Encoding"), body, ApiKeyPrincipals.find(security).orElse(null))));
    }
}
