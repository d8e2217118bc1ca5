package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.KeysHttpContract;
import jakarta.ws.rs.Path;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;

/** The self-service key endpoints as {@link KeysResource}, returned by a locator at {@code /keys} in Jersey on Jetty. */
class KeysResourceHttpTest extends KeysHttpContract {
    Server server;

    /** The application's own root resource, mounting the keys where it likes. */
    @Path("/")
    public static final class Api {
        private static volatile KeysResource keys;

        @Path("keys")
        public KeysResource keys() {
            return keys;
        }
    }

    @Override
    protected URI start(ApiKeyStore store) throws Exception {
        Api.keys = new KeysResource(store, REALM, "/keys");
        server = JerseyServers.start(new ResourceConfig().register(new ApiKeyFeature(store)).register(Api.class), null);
        return JerseyServers.uri(server);
    }

    @Override
    protected void stop() throws Exception {
        server.stop();
    }

    /** The same locator in Jersey on embedded Tomcat 11. */
    @org.junit.jupiter.api.Nested
    class OnTomcat extends dev.pkauth.testing.TomcatKeysHttpContract {
        @Override
        protected void deploy(dev.pkauth.testing.TomcatServers.Deployment d, ApiKeyStore store) {
            Api.keys = new KeysResource(store, REALM, "/keys");
            d.servlet("jersey", new org.glassfish.jersey.servlet.ServletContainer(
                    new ResourceConfig().register(new ApiKeyFeature(store)).register(Api.class)), "/*");
        }
    }
}
