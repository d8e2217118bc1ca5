package dev.pkauth.jaxrs;

import dev.pkauth.http.ConsolePage;
import dev.pkauth.http.KeysEndpoint;
import dev.pkauth.http.OriginProof;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import java.util.Map;

/**
 * The "API keys" page ({@link ConsolePage}) for the host's signed-in users, as a JAX-RS
 * sub-resource next to a {@link KeysResource} the page calls. Return it from a locator, behind the
 * host's own sign-in (whatever sets the request's {@code SecurityContext} user):
 *
 * <pre>{@code
 * @Path("account/keys")
 * public KeysConsoleResource console() {
 *     return console; // new KeysConsoleResource("/account/keys", "/api/keys"), made once
 * }
 * }</pre>
 *
 * <p>The page's assets are served to anyone; the page itself, to a request nobody signed in to,
 * answers 401. The session's CSRF token lives in the servlet container's session, so the page
 * needs Jersey (or RESTEasy) inside a servlet container; elsewhere it answers 500 saying so.
 */
@dev.pkauth.Beta
public final class KeysConsoleResource {
    private final ConsolePage page;

    /**
     * @param consolePath the locator's path, as browsers see it
     * @param apiPath where the {@link KeysResource} is, as browsers see it
     */
    public KeysConsoleResource(String consolePath, String apiPath) {
        this.page = new ConsolePage(consolePath, apiPath);
    }

    /**
     * The page.
     *
     * @param request the request
     * @param security its security context (the host's signed-in user)
     * @return the page, or 401 when nobody is signed in
     */
    @GET
    public Response page(@Context ContainerRequestContext request, @Context SecurityContext security) {
        Principal user = SessionTokens.signedIn(security);
        if (user == null) {
            return LeakResource.response(KeysEndpoint.Answer.error(401, "login_required", "sign in to manage your API keys"));
        }
        String token = request.getProperty(SessionTokens.PROPERTY) instanceof SessionTokens t ? t.orCreate() : null;
        if (token == null) {
            return LeakResource.response(KeysEndpoint.Answer.error(500, "no_session",
                    "the keys page needs the servlet container's sessions: deploy Jersey in a servlet container"));
        }
        return LeakResource.response(page.handle(request.getMethod(), "", user.getName(), Map.of(OriginProof.TOKEN_HEADER, token)));
    }

    /**
     * The page's script, style and icon.
     *
     * @param request the request
     * @param asset the asset's name
     * @return the asset, or 404
     */
    @GET
    @Path("{asset: .+}")
    public Response asset(@Context ContainerRequestContext request, @PathParam("asset") String asset) {
        return LeakResource.response(page.handle(request.getMethod(), "/" + asset, "", Map.of()));
    }
}
