package dev.pkauth.servlet;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.HttpContract;
import dev.pkauth.testing.TestDatabase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Nested;

/**
 * The HTTP contract through a webapp whose {@code WEB-INF/web.xml} declares {@link ApiKeyFilter}
 * with init-params, deployed by Jetty's {@code WebAppContext}. The filters build their own store
 * from {@code jdbc-url}, {@code table} and {@code pepper}; the test's store shares the database.
 */
class WebXmlHttpTest {
    abstract static class Deployment extends HttpContract {
        @Override
        protected boolean protectsUnmatchedPaths() {
            return false; // the filter is mapped to the contract's routes only
        }

        Server server;

        @Override
        protected URI start(TestDatabase db, ApiKeyStore store) throws Exception {
            Path webapp = Files.createDirectories(dir.resolve("webapp/WEB-INF"));
            Files.writeString(webapp.resolve("web.xml"), webXml(db));
            WebAppContext context = new WebAppContext();
            context.setContextPath("/");
            context.setWar(webapp.getParent().toString());
            context.setParentLoaderPriority(true);
            context.setThrowUnavailableOnStartupException(true);
            server = JettyServers.start(context);
            return JettyServers.uri(server);
        }

        static String webXml(TestDatabase db) {
            String store = param("jdbc-url", db.jdbcUrl()) + param("table", db.table()) + param("pepper", db.pepper())
                    + (db.user() == null ? "" : param("jdbc-user", db.user()))
                    + (db.password() == null ? "" : param("jdbc-password", db.password()));
            return """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                      <filter><filter-name>whoami</filter-name>
                        <filter-class>dev.pkauth.servlet.ApiKeyFilter</filter-class>%s
                        <init-param><param-name>realm</param-name><param-value>api</param-value></init-param></filter>
                      <filter><filter-name>scoped</filter-name>
                        <filter-class>dev.pkauth.servlet.ApiKeyFilter</filter-class>%s
                        <init-param><param-name>required-scopes</param-name><param-value>docs:write</param-value></init-param></filter>
                      <filter><filter-name>open</filter-name>
                        <filter-class>dev.pkauth.servlet.ApiKeyFilter</filter-class>%s
                        <init-param><param-name>anonymous</param-name><param-value>true</param-value></init-param></filter>
                      <filter-mapping><filter-name>whoami</filter-name><url-pattern>/whoami</url-pattern></filter-mapping>
                      <filter-mapping><filter-name>scoped</filter-name><url-pattern>/scoped</url-pattern></filter-mapping>
                      <filter-mapping><filter-name>open</filter-name><url-pattern>/open</url-pattern></filter-mapping>
                      <servlet><servlet-name>whoami</servlet-name><servlet-class>dev.pkauth.servlet.WhoamiServlet</servlet-class></servlet>
                      <servlet-mapping><servlet-name>whoami</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
                    </web-app>
                    """.formatted(store, store, store);
        }

        static String param(String name, String value) {
            return "\n    <init-param><param-name>" + name + "</param-name><param-value>" + value + "</param-value></init-param>";
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
}
