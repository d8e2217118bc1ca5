package dev.pkauth.servlet;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.KeysHttpContract;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/** The self-service key endpoints as {@link KeysServlet} at {@code /keys/*} behind {@link ApiKeyFilter}, in Jetty. */
class KeysServletHttpTest extends KeysHttpContract {
    Server server;

    @Override
    protected URI start(ApiKeyStore store) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/keys/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new KeysServlet(store, REALM, "/keys")), "/keys/*");
        server = JettyServers.start(context);
        return JettyServers.uri(server);
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }

    /** The same endpoints on embedded Tomcat 11. */
    @org.junit.jupiter.api.Nested
    class OnTomcat extends dev.pkauth.testing.TomcatKeysHttpContract {
        @Override
        protected void deploy(dev.pkauth.testing.TomcatServers.Deployment d, ApiKeyStore store) {
            d.filter("pkauth", new ApiKeyFilter(store), "/keys/*").servlet("keys", new KeysServlet(store, REALM, "/keys"), "/keys/*");
        }
    }
}
