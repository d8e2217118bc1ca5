package dev.pkauth.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.LeakEndpoint;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.LeakHttpContract;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The leak endpoints as the starter mounts them ({@code pkauth.leaks-path=/leaks},
 * {@code pkauth.key-status-path=/keys/status}) beside a chain in which every other request needs
 * a key: SQLite and PostgreSQL.
 */
class SpringLeakHttpTest extends LeakHttpContract {
    static final Map<String, Object> PATHS = Map.of("pkauth.leaks-path", "/leaks", "pkauth.key-status-path", "/keys/status");
    ContractApp.Running app;

    @Override
    protected URI start(ApiKeyStore store, LeakEndpoint leaks) {
        app = ContractApp.start(store, PATHS, Map.of("leakEndpoint", leaks));
        return app.base();
    }

    @Override
    protected void stop() {
        app.close();
    }

    @Nested
    class OnPostgres extends LeakHttpContract {
        ContractApp.Running pgApp;

        @Override
        protected Backend backend() {
            return Backend.POSTGRESQL;
        }

        @Override
        protected URI start(ApiKeyStore store, LeakEndpoint leaks) {
            pgApp = ContractApp.start(store, PATHS, Map.of("leakEndpoint", leaks));
            return pgApp.base();
        }

        @Override
        protected void stop() {
            pgApp.close();
        }
    }
}
