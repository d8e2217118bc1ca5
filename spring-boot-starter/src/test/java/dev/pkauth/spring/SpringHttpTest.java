package dev.pkauth.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.HttpContract;
import dev.pkauth.testing.TestDatabase;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The HTTP contract through Spring Security: a Spring Boot application on Tomcat whose filter
 * chain has {@code .with(pkauth(), withDefaults())}, URL rules for scopes, and the contract's
 * store as the application's own bean.
 */
class SpringHttpTest {
    abstract static class Deployment extends HttpContract {
        ContractApp.Running app;

        @Override
        protected URI start(TestDatabase db, ApiKeyStore store) {
            app = ContractApp.start(store, Map.of());
            return app.base();
        }

        @Override
        protected void stop() {
            app.close();
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
}
