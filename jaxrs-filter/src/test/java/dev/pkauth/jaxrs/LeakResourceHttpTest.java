package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.LeakEndpoint;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.LeakHttpContract;
import jakarta.ws.rs.Path;
import java.net.URI;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Nested;

/** The leak endpoints as {@link LeakResource} from two locators, in Jersey behind {@link ApiKeyFeature}: SQLite and PostgreSQL. */
class LeakResourceHttpTest extends LeakHttpContract {
    Server server;

    /** The application's root resource: pkauth guards everything, the leak endpoints authenticate themselves. */
    @Path("/")
    public static final class Api {
        static volatile LeakResource leaks;

        @Path("leaks")
        public LeakResource leaks() {
            return leaks;
        }

        @Path("keys/status")
        public LeakResource keyStatus() {
            return leaks;
        }
    }

    static Server serve(ApiKeyStore store, LeakEndpoint leaks) throws Exception {
        Api.leaks = new LeakResource(leaks);
        return JerseyServers.start(new ResourceConfig().register(new ApiKeyFeature(store)).register(Api.class), null);
    }

    @Override
    protected URI start(ApiKeyStore store, LeakEndpoint leaks) throws Exception {
        server = serve(store, leaks);
        return JerseyServers.uri(server);
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
            return JerseyServers.uri(pgServer);
        }

        @Override
        protected void stop() throws Exception {
            pgServer.stop();
        }
    }
}
