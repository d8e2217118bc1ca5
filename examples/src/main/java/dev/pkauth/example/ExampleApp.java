package dev.pkauth.example;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.Settings;
import dev.pkauth.jaxrs.ApiKeyAuthFilter;
import dev.pkauth.jaxrs.StoreUnavailableMapper;
import dev.pkauth.servlet.ApiKeyFilter;
import dev.pkauth.servlet.KeysConsole;
import dev.pkauth.servlet.KeysServlet;
import dev.pkauth.http.SessionGrant;
import dev.pkauth.http.SessionPolicy;
import dev.pkauth.servlet.LeakServlet;
import dev.pkauth.http.LeakEndpoint;
import jakarta.servlet.DispatcherType;
import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The pkauth example: one embedded Jetty serving the same key store through the Servlet filter
 * ({@code /servlet}), the JAX-RS filter ({@code /api}) and a web.xml webapp ({@code /webxml}).
 *
 * <p>Environment: {@code PORT} (8080; 0 picks a free port), {@code HOST} (127.0.0.1),
 * {@code PKAUTH_JDBC_URL} ({@value #DEFAULT_JDBC_URL}) and the other {@code PKAUTH_*} settings.
 */
public final class ExampleApp {
    static final String DEFAULT_JDBC_URL = "jdbc:sqlite:pkauth-example.db";
    static final String DEMO_USER = "demo";
    static final List<String> DEMO_SCOPES = List.of("docs:read", "keys:write");
    /** What a signed-in user may put on keys made in the page: the example's policy (a host's would ask its roles). */
    static final SessionPolicy SESSION_POLICY = user -> SessionGrant.of(List.of("docs:read", "docs:write"));
    private static final Logger log = LoggerFactory.getLogger(ExampleApp.class);

    /** Bytes per second; a phone on a bad network sends far more. */
    static final long MIN_REQUEST_DATA_RATE = 256;
    private final ApiKeyStore store;
    private final Server server;

    ExampleApp(ApiKeyStore store, String host, int port, String realm, Settings settings, SignIn users) {
        this.store = store;
        this.server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // A body read blocks a thread: a client sending less than this (bytes per second, averaged
        // over the read) gets 408 instead of holding the thread. pkauth's own endpoints also cap the
        // bodies in flight per user; this covers the application's routes (POST /api/docs).
        http.setMinRequestDataRate(MIN_REQUEST_DATA_RATE);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);

        EnumSet<DispatcherType> requests = EnumSet.of(DispatcherType.REQUEST);
        ServletContextHandler root = new ServletContextHandler(ServletContextHandler.SESSIONS);
        root.setContextPath("/");
        // The sign-in's session cookie: out of scripts' reach, and not sent on other sites' POSTs
        // (pkauth's endpoint checks the origin and a token anyway; this is the browser's part).
        root.getSessionHandler().setHttpOnly(true);
        root.getSessionHandler().setSameSite(org.eclipse.jetty.http.HttpCookie.SameSite.LAX);
        root.setAttribute(ApiKeyFilter.STORE_ATTRIBUTE, store);
        root.addFilter(RequestLogFilter.class, "/*", requests);
        // The application's own sign-in (a form and a session), which the keys page trusts.
        root.addFilter(new FilterHolder(new SignedInFilter()), "/*", requests);
        ServletHolder signIn = new ServletHolder(new SignInServlet(users));
        root.addServlet(signIn, "/login");
        root.addServlet(signIn, "/logout");
        // Servlet filter, configured in code.
        root.addFilter(new FilterHolder(ApiKeyFilter.builder(store).realm(realm).build()), "/servlet/*", requests);
        root.addServlet(new ServletHolder(new HealthServlet()), "/health");
        root.addServlet(new ServletHolder(new WhoamiServlet()), "/servlet/whoami");
        // JAX-RS filter, registered by class: it finds the store in the ServletContext attribute.
        ResourceConfig api = new ResourceConfig(ApiKeyAuthFilter.class, StoreUnavailableMapper.class, WhoamiResource.class,
                DocsResource.class, BodyLimit.class, UnknownRoute.class)
                .property(ApiKeyAuthFilter.REALM_PROPERTY, realm)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ServletHolder jersey = new ServletHolder(new ServletContainer(api));
        jersey.setInitOrder(1);
        root.addServlet(jersey, "/api/*");
        // Self-service keys: the library's endpoint at a path of our choosing, for a key with keys:write
        // or the signed-in user (so requests without a key pass the filter; the endpoint asks for one
        // or a session), and the page that calls it.
        root.addFilter(new FilterHolder(ApiKeyFilter.builder(store).realm(realm).anonymous(true).build()), "/api/keys/*", requests);
        root.addServlet(new ServletHolder(new KeysServlet(store, realm, "/api/keys", SESSION_POLICY)), "/api/keys/*");
        root.addServlet(new ServletHolder(new KeysConsole("/account/keys", "/api/keys")), "/account/keys/*");
        // When a key leaks: GitHub's and GitLab's reports, and the validity probe for scanners.
        // Outside the filters: reports are signed, and the probe checks its token without using it.
        LeakServlet leaks = new LeakServlet(LeakEndpoint.builder(store).settings(settings).realm(realm)
                .listener(r -> log.warn("pkauth-example: key {} of user {} leaked at {}: {} (tell its owner here)",
                        r.key().prefix(), r.key().userId(), r.url(), r.revoked() ? "revoked" : "reported"))
                .build());
        root.addServlet(new ServletHolder(leaks), "/leaks/*");
        root.addServlet(new ServletHolder(leaks), "/keys/status");

        // A webapp configured by its WEB-INF/web.xml alone, sharing this process's store.
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/webxml");
        webapp.setBaseResource(ResourceFactory.of(webapp).newClassLoaderResource("webapp"));
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.setAttribute(ApiKeyFilter.STORE_ATTRIBUTE, store);

        server.setHandler(new GracefulHandler(new ContextHandlerCollection(webapp, root)));
        // On stop, requests in flight get this long to finish before connections close.
        server.setStopTimeout(10_000);
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** Stops taking requests, lets those in flight finish, then flushes and closes the store. */
    void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("stopping Jetty failed: {}", e.toString());
        } finally {
            store.close();
            log.info("stopped: requests drained, key store flushed and closed");
        }
    }

    static final String USAGE = """
            Usage: java -jar pkauth-example.jar [--help]

            Serves the pkauth example: the same key store through the Servlet filter (/servlet),
            the JAX-RS filter (/api) and a web.xml webapp (/webxml). On its first start it mints a
            key for user "demo" and prints it once.

            Environment:
              PORT                  port to listen on (default 8080; 0 picks a free port)
              HOST                  address to listen on (default 127.0.0.1)
              PKAUTH_JDBC_URL       jdbc:sqlite:… or jdbc:postgresql://… (default %s)
              PKAUTH_PEPPER         the HMAC pepper; PKAUTH_REQUIRE_PEPPER=true refuses to start without one
              PKAUTH_DEMO_PASSWORD  the password of user "demo" at /login (default: a random one, made and printed on first start)
              PKAUTH_LOG_LEVEL      pkauth's log level (INFO); PKAUTH_ROOT_LOG_LEVEL the root's
              … and the other PKAUTH_* settings of the README.

            Exit codes: 0 stopped, 1 could not start (the reason is the one line before), 2 usage error.
            """.formatted(DEFAULT_JDBC_URL);

    public static void main(String[] args) {
        if (args.length > 0) {
            boolean help = args[0].equals("--help") || args[0].equals("-h");
            (help ? System.out : System.err).print(help ? USAGE : "pkauth-example: unknown argument \"" + args[0]
                    + "\"; see 'java -jar pkauth-example.jar --help'\n");
            System.exit(help ? 0 : 2);
        }
        // Jersey logs through java.util.logging; send it to SLF4J like everything else.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Settings settings = Settings.fromEnvironment().orElse(Settings.of(Map.of(Settings.JDBC_URL, DEFAULT_JDBC_URL)));
        String jdbcUrl = settings.get(Settings.JDBC_URL);
        String host = System.getenv().getOrDefault("HOST", "127.0.0.1");
        ApiKeyStore store = null;
        ExampleApp app = null;
        IssuedKey demo;
        String given = System.getenv("PKAUTH_DEMO_PASSWORD");
        String password;
        try {
            int port = parsePort(System.getenv("PORT"));
            String realm = dev.pkauth.http.Deployment.realm(null, settings);
            store = ApiKeyStore.builder().settings(settings).build();
            // Before serving: a database that cannot take writes stops the start, not the first request.
            demo = mintDemoKey(store);
            SignIn users = new SignIn();
            password = DemoPassword.load(jdbcUrl, settings.get(Settings.JDBC_USER), settings.get(Settings.JDBC_PASSWORD),
                    settings.get(Settings.TABLE), users,
                    DEMO_USER, given);
            app = new ExampleApp(store, host, port, realm, settings, users);
            app.start();
        } catch (Exception e) {
            System.err.println("pkauth-example: cannot start: " + StartupProblem.describe(e, host, System.getenv("PORT")));
            log.debug("pkauth-example: the start failed", e);
            if (app != null) app.stop();
            else if (store != null) store.close();
            System.exit(1);
            return;
        }
        ExampleApp running = app;
        Runtime.getRuntime().addShutdownHook(new Thread(running::stop, "pkauth-example-shutdown"));
        String base = "http://" + host + ":" + app.port();
        printDemoKey(demo, base, jdbcUrl, System.out);
        if (password != null) {
            System.out.println("Sign in as \"demo\" at " + base + "/login to manage keys in the browser (" + base
                    + "/account/keys). Its password is shown only now (it is stored hashed; PKAUTH_DEMO_PASSWORD sets another):");
            System.out.println();
            System.out.println("  PKAUTH_DEMO_PASSWORD=" + password);
            System.out.println();
        } else {
            System.out.println("Sign in as \"demo\" at " + base + "/login with the password shown on first start (or set"
                    + " PKAUTH_DEMO_PASSWORD); your keys are at " + base + "/account/keys");
        }
        System.out.println("Listening on " + base);
        System.out.flush();
        try {
            app.server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Mints the demo user's key on the first start; {@code null} when it was minted before. */
    static IssuedKey mintDemoKey(ApiKeyStore store) {
        if (!store.list(DEMO_USER, true, 1, null).keys().isEmpty()) return null;
        return store.create(DEMO_USER, "demo key", DEMO_SCOPES, null);
    }

    /** Shows the demo key once with ready-to-paste curl lines, or how to mint another. */
    static void printDemoKey(IssuedKey demo, String base, String jdbcUrl, PrintStream out) {
        if (demo == null) {
            out.println("The demo key was shown on first start. Mint another with the CLI:");
            out.println("  java -jar cli/target/pkauth-cli.jar --jdbc-url " + jdbcUrl
                    + " create --user demo --scopes docs:read,keys:write");
            return;
        }
        String auth = "-H 'Authorization: Bearer " + demo.token() + "'";
        out.println();
        out.println("Minted a key for user \"demo\" (scopes " + String.join(" ", DEMO_SCOPES) + "). It is shown only now:");
        out.println();
        out.println("  PKAUTH_DEMO_KEY=" + demo.token());
        out.println();
        out.println("Try it:");
        out.println("  curl " + auth + " " + base + "/api/whoami");
        out.println("  curl " + auth + " " + base + "/servlet/whoami");
        out.println("  curl " + auth + " " + base + "/webxml/whoami");
        out.println("  curl " + auth + " " + base + "/api/docs");
        out.println("  curl " + auth + " -X POST -H 'Content-Type: application/json' -d '{\"title\":\"x\"}' "
                + base + "/api/docs     # 403: the demo key lacks docs:write");
        out.println("  curl " + auth + " -H 'Content-Type: application/json' -d '{\"name\":\"laptop\",\"scopes\":[\"docs:read\"]}' "
                + base + "/api/keys");
        out.println();
    }

    static int parsePort(String value) {
        if (value == null || value.isBlank()) return 8080;
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) return port;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("PORT must be a number from 0 to 65535, was \"" + value + "\"");
    }
}
