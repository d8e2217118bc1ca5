package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.HttpContract;
import dev.pkauth.testing.TestDatabase;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Nested;

/**
 * The HTTP contract through {@link ApiKeyAuthFilter} in a Jersey application running as a servlet
 * in Jetty and in Tomcat, registered by package scanning, finding its store in the ServletContext attribute.
 */
class JaxrsFilterHttpTest {
    abstract static class Deployment extends HttpContract {
        Server server;

        @Override
        protected URI start(TestDatabase db, ApiKeyStore store) throws Exception {
            server = JerseyServers.start(new ResourceConfig().packages("dev.pkauth.jaxrs"), store);
            return JerseyServers.uri(server);
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

    /** The same application as a servlet in embedded Tomcat 11. */
    abstract static class TomcatDeployment extends dev.pkauth.testing.TomcatHttpContract {
        @Override
        protected void deploy(dev.pkauth.testing.TomcatServers.Deployment d, ApiKeyStore store) {
            d.attribute(ApiKeyAuthFilter.STORE_PROPERTY, store).servlet("jersey",
                    new org.glassfish.jersey.servlet.ServletContainer(new ResourceConfig().packages("dev.pkauth.jaxrs")), "/*");
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
