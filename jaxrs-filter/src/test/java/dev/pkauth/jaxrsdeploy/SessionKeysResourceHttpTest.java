package dev.pkauth.jaxrsdeploy;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.SessionPolicy;
import dev.pkauth.jaxrs.ApiKeyFeature;
import dev.pkauth.jaxrs.JerseyServers;
import dev.pkauth.jaxrs.KeysConsoleResource;
import dev.pkauth.jaxrs.KeysResource;
import dev.pkauth.testing.SessionKeysHttpContract;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.security.Principal;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;

/**
 * The keys endpoints and page for signed-in users as {@link KeysResource} and
 * {@link KeysConsoleResource}, returned by locators in Jersey on Jetty (with sessions), behind a
 * host filter that sets the request's {@code SecurityContext} user before pkauth's. (In its own
 * package: the tests of {@code dev.pkauth.jaxrs} scan theirs for resources.)
 */
class SessionKeysResourceHttpTest extends SessionKeysHttpContract {
    Server server;

    /** The application's own root resource, mounting the endpoints and the page where it likes. */
    @Path("/")
    public static final class Api {
        private static volatile KeysResource keys;
        private static volatile KeysConsoleResource console;

        // README:jaxrs-console:start
        @Path("keys")          // keys = new KeysResource(store, "api", "/keys", policy)
        public KeysResource keys() {
            return keys;
        }

        @Path("console")       // console = new KeysConsoleResource("/console", "/keys")
        public KeysConsoleResource console() {
            return console;
        }
        // README:jaxrs-console:end
    }

    /** The host's sign-in: the user its cookie names, as the {@code SecurityContext}'s user. */
    @Priority(Priorities.AUTHENTICATION - 10)
    public static final class HostSignIn implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext request) {
            Cookie cookie = request.getCookies().get(TEST_USER_COOKIE);
            if (cookie == null) return;
            Principal user = cookie.getValue()::toString;
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return user;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return false;
                }

                @Override
                public boolean isSecure() {
                    return false;
                }

                @Override
                public String getAuthenticationScheme() {
                    return FORM_AUTH;
                }
            });
        }
    }

    @Override
    protected URI start(ApiKeyStore store, SessionPolicy policy) throws Exception {
        Api.keys = new KeysResource(store, REALM, "/keys", policy);
        Api.console = new KeysConsoleResource("/console", "/keys");
        server = JerseyServers.start(new ResourceConfig().register(new ApiKeyFeature(store)).register(HostSignIn.class)
                .register(Api.class), null);
        return JerseyServers.uri(server);
    }

    @org.junit.jupiter.api.Test
    void theReadmeShowsThisMount() {
        dev.pkauth.testing.Readme.assertShows(SessionKeysResourceHttpTest.class, "jaxrs-console");
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }
}
