package dev.pkauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.RawHttp;
import dev.pkauth.testing.Readme;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Servlet snippets, run on a real Jetty. */
class ReadmeSnippetsTest {
    @TempDir
    Path dir;

    Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop();
    }

    /** The README's servlet that reads the principal. */
    // README:servlet-principal:start
    public static class DocsServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            ApiKeyPrincipal caller = (ApiKeyPrincipal) request.getUserPrincipal();
            // pkauth's 403 insufficient_scope (challenge, JSON) unless the key holds docs:read, docs:* or *
            if (!ApiKeyFilter.requireScopes(request, response, "docs:read")) return;
            response.getWriter().write("docs of " + caller.userId() + " via key " + caller.keyPrefix());
        }
    }
    // README:servlet-principal:end

    @Test
    void embeddedJettyExampleWorks() throws Exception {
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("keys.db")).pepper("p").build()) {
            // README:jetty:start
            ServletContextHandler context = new ServletContextHandler();
            context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).requiredScopes("docs:read").build()),
                    "/docs/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new DocsServlet()), "/docs/*");
            // README:jetty:end
            server = JettyServers.start(context);
            URI base = JettyServers.uri(server);
            String token = store.create("alice", null, List.of("docs:read"), null).token();

            assertThat(RawHttp.get(base, "/docs/x").status()).isEqualTo(401);
            RawHttp.Response ok = RawHttp.get(base, "/docs/x", "Authorization: Bearer " + token);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).startsWith("docs of alice via key pk.key_");
        }
        Readme.assertShows(ReadmeSnippetsTest.class, "jetty");
        Readme.assertShows(ReadmeSnippetsTest.class, "servlet-principal");
    }

    @Test
    void aServletsOwnScopeCheckAnswersThePkauthWay() throws Exception {
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("keys.db")).pepper("p").build()) {
            ServletContextHandler context = new ServletContextHandler();
            context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).realm("docs").build()), "/docs/*",
                    EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new DocsServlet()), "/docs/*");
            context.addServlet(new ServletHolder(new DocsServlet()), "/unfiltered/*");
            server = JettyServers.start(context);
            URI base = JettyServers.uri(server);
            String reader = store.create("alice", null, List.of("docs:*"), null).token();
            String other = store.create("alice", null, List.of("billing:read"), null).token();

            assertThat(RawHttp.get(base, "/docs/x", "Authorization: Bearer " + reader).status()).isEqualTo(200);
            RawHttp.Response denied = RawHttp.get(base, "/docs/x", "Authorization: Bearer " + other);
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"docs\", error=\"insufficient_scope\", "
                    + "error_description=\"the API key lacks a required scope\", scope=\"docs:read\"");
            assertThat(denied.header("Content-Type")).startsWith("application/json");
            assertThat(denied.header("Cache-Control")).contains("no-store");
            assertThat(denied.body()).startsWith("{\"error\":\"insufficient_scope\"");

            RawHttp.Response outside = RawHttp.get(base, "/unfiltered/x", "Authorization: Bearer " + reader);
            assertThat(outside.status()).as("a servlet the filter does not cover fails closed").isEqualTo(401);
            assertThat(outside.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
        }
    }

    @Test
    void selfServiceKeysMountWhereTheReadmeSays() throws Exception {
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("keys.db")).pepper("p").build()) {
            ServletContextHandler context = new ServletContextHandler();
            // README:keys-servlet:start
            context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/keys/*", EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new KeysServlet(store, "api", "/keys")), "/keys/*");
            // README:keys-servlet:end
            server = JettyServers.start(context);
            URI base = JettyServers.uri(server);
            String token = store.create("alice", null, List.of("keys:write"), null).token();

            assertThat(RawHttp.get(base, "/keys").status()).isEqualTo(401);
            RawHttp.Response created = RawHttp.request(base, "POST", "/keys", "{\"name\":\"ci\"}",
                    "Authorization: Bearer " + token);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String location = created.header("Location");
            RawHttp.Response shown = RawHttp.get(base, location, "Authorization: Bearer " + token);
            assertThat(shown.status()).isEqualTo(200);
            assertThat(shown.body()).contains("\"name\":\"ci\"", "\"created_by\":\"" + token.substring(3, 39) + "\"");
        }
        Readme.assertShows(ReadmeSnippetsTest.class, "keys-servlet");
    }

    @Test
    void webXmlExampleWorksWithTheContextListener() throws Exception {
        String dbUrl = "jdbc:sqlite:" + dir.resolve("webxml.db");
        String webXml = Readme.block("web.xml").replace("jdbc:sqlite:/var/lib/myapp/keys.db", dbUrl)
                .replace("dev.pkauth.example.DocsServlet", DocsServlet.class.getName());
        assertThat(webXml).contains(dbUrl);
        Path webInf = Files.createDirectories(dir.resolve("app/WEB-INF"));
        Files.writeString(webInf.resolve("web.xml"), webXml);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(webInf.getParent().toString());
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        server = JettyServers.start(webapp);
        URI base = JettyServers.uri(server);

        ApiKeyStore shared = (ApiKeyStore) webapp.getServletContext().getAttribute(ApiKeyFilter.STORE_ATTRIBUTE);
        assertThat(shared).as("the listener published the store").isNotNull();
        String reader = shared.create("bob", null, List.of("docs:read"), null).token();
        String other = shared.create("bob", null, List.of("keys:write"), null).token();

        assertThat(RawHttp.get(base, "/docs/1").status()).isEqualTo(401);
        assertThat(RawHttp.get(base, "/docs/1", "Authorization: Bearer " + reader).status()).isEqualTo(200);
        assertThat(RawHttp.get(base, "/docs/1", "Authorization: Bearer " + other).status()).isEqualTo(403);

        server.stop();
        server = null;
        assertThat(webapp.getServletContext().getAttribute(ApiKeyFilter.STORE_ATTRIBUTE)).as("removed on stop").isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shared.list("bob"))
                .as("the listener closed its store").isInstanceOf(IllegalStateException.class);
    }
}
