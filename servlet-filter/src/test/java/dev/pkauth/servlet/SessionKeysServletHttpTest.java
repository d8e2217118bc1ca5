package dev.pkauth.servlet;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.SessionPolicy;
import dev.pkauth.testing.SessionKeysHttpContract;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URI;
import java.security.Principal;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/**
 * The keys endpoints and page for signed-in users as {@link KeysServlet} and {@link KeysConsole},
 * in Jetty with sessions, behind a host filter that signs users in by wrapping the request (as a
 * host's own login filter does) and {@link ApiKeyFilter} letting requests without a key through.
 */
class SessionKeysServletHttpTest extends SessionKeysHttpContract {
    Server server;

    /** The host's sign-in: the user its cookie names, as {@code getUserPrincipal()}. */
    static Filter hostSignIn() {
        return (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            String user = null;
            if (http.getCookies() != null) {
                for (Cookie c : http.getCookies()) if (c.getName().equals(TEST_USER_COOKIE)) user = c.getValue();
            }
            if (user == null) {
                chain.doFilter(request, response);
                return;
            }
            Principal principal = user::toString;
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }
            }, response);
        };
    }

    @Override
    protected URI start(ApiKeyStore store, SessionPolicy policy) throws Exception {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
        context.addFilter(new FilterHolder(hostSignIn()), "/*", requests);
        context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).realm(REALM).anonymous(true).build()), "/keys/*", requests);
        context.addServlet(new ServletHolder(new KeysServlet(store, REALM, "/keys", policy)), "/keys/*");
        context.addServlet(new ServletHolder(new KeysConsole("/console", "/keys")), "/console/*");
        server = JettyServers.start(context);
        return JettyServers.uri(server);
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }
}
