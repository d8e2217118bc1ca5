package dev.pkauth.servlet;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.LeakEndpoint;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.LeakHttpContract;
import dev.pkauth.testing.TomcatServers;
import java.net.URI;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Nested;

/** The leak endpoints as {@link LeakServlet} in Jetty (SQLite and PostgreSQL) and Tomcat 11. */
class LeakServletHttpTest extends LeakHttpContract {
    Server server;

    /** The application's routes behind pkauth, the leak endpoints outside it. */
    static Server serve(ApiKeyStore store, LeakEndpoint leaks) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new org.eclipse.jetty.ee10.servlet.FilterHolder(new ApiKeyFilter(store)), "/api/*",
                java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        LeakServlet servlet = new LeakServlet(leaks);
        context.addServlet(new ServletHolder(servlet), "/leaks/*");
        context.addServlet(new ServletHolder(servlet), "/keys/status");
        return JettyServers.start(context);
    }

    @Override
    protected URI start(ApiKeyStore store, LeakEndpoint leaks) throws Exception {
        server = serve(store, leaks);
        return JettyServers.uri(server);
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }

    @Nested
    class OnPostgres extends LeakHttpContract {
        Server pgServer;

        @Override
        protected Backend backend() {
            return Backend.POSTGRESQL;
        }

        @Override
        protected URI start(ApiKeyStore store, LeakEndpoint leaks) throws Exception {
            pgServer = serve(store, leaks);
            return JettyServers.uri(pgServer);
        }

        @Override
        protected void stop() throws Exception {
            pgServer.stop();
        }
    }

    @Nested
    class OnTomcat extends LeakHttpContract {
        Tomcat tomcat;

        @Override
        protected URI start(ApiKeyStore store, LeakEndpoint leaks) throws Exception {
            LeakServlet servlet = new LeakServlet(leaks);
            tomcat = TomcatServers.start(d -> d.servlet("leaks", servlet, "/leaks/*").servlet("status", servlet, "/keys/status"));
            return TomcatServers.uri(tomcat);
        }

        @Override
        protected void stop() throws Exception {
            TomcatServers.stop(tomcat);
        }
    }
}
