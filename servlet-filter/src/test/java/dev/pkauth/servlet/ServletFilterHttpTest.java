package dev.pkauth.servlet;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.HttpContract;
import dev.pkauth.testing.TestDatabase;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Nested;

/** The HTTP contract through {@link ApiKeyFilter} registered in code in front of a plain servlet, on Jetty and on Tomcat. */
class ServletFilterHttpTest {
    abstract static class Deployment extends HttpContract {
        @Override
        protected boolean protectsUnmatchedPaths() {
            return false; // the filter is mapped to the contract's routes only
        }

        Server server;

        @Override
        protected URI start(TestDatabase db, ApiKeyStore store) throws Exception {
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
            context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/whoami", requests);
            context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).requiredScopes("docs:write").build()), "/scoped", requests);
            context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).anonymous(true).build()), "/open", requests);
            context.addServlet(new ServletHolder(new WhoamiServlet()), "/*");
            server = JettyServers.start(context);
            return JettyServers.uri(server);
        }

        @Override
        protected void stop() throws Exception {
            server.stop();
        }
    }

    @Nested
    class OnSqlite extends Deployment {
        @Override
        protected Backend backend() {
            return Backend.SQLITE;
        }
    }

    @Nested
    class OnPostgres extends Deployment {
        @Override
        protected Backend backend() {
            return Backend.POSTGRESQL;
        }
    }

    /** The same deployment on embedded Tomcat 11, set up through Tomcat's context API. */
    abstract static class TomcatDeployment extends dev.pkauth.testing.TomcatHttpContract {
        @Override
        protected boolean protectsUnmatchedPaths() {
            return false; // the filter is mapped to the contract's routes only
        }

        @Override
        protected void deploy(dev.pkauth.testing.TomcatServers.Deployment d, ApiKeyStore store) {
            d.filter("pkauth", new ApiKeyFilter(store), "/whoami")
                    .filter("pkauth-scoped", ApiKeyFilter.builder(store).requiredScopes("docs:write").build(), "/scoped")
                    .filter("pkauth-open", ApiKeyFilter.builder(store).anonymous(true).build(), "/open")
                    .servlet("whoami", new WhoamiServlet(), "/*");
        }
    }

    @Nested
    class OnTomcatSqlite extends TomcatDeployment {
        @Override
        protected Backend backend() {
            return Backend.SQLITE;
        }
    }

    @Nested
    class OnTomcatPostgres extends TomcatDeployment {
        @Override
        protected Backend backend() {
            return Backend.POSTGRESQL;
        }
    }
}
