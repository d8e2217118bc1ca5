package dev.pkauth.bench;

import dev.pkauth.KeySpec;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.jaxrs.ApiKeyFeature;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Target 3's server: the same trivial endpoint with and without each filter, on one Jetty.
 * Prints {@code READY <port> <token>} when it serves.
 */
public final class BenchServer {
    private BenchServer() {}

    public static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().write("hello");
        }
    }

    /**
     * The rows PostgreSQL counted as written to the shared window table, for the load script to
     * compare with the requests it sent (round trips per request of a rate-limited key).
     */
    public static final class UsageWrites extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String url;

        UsageWrites(String url) {
            this.url = url;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
                 java.sql.Statement s = c.createStatement()) {
                s.execute("SELECT pg_stat_force_next_flush()");
                try (java.sql.ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM"
                        + " pg_stat_user_tables WHERE relname = 'pkauth_api_keys_usage'")) {
                    rs.next();
                    res.getWriter().write(Long.toString(rs.getLong(1)));
                }
            } catch (java.sql.SQLException e) {
                throw new IOException(e);
            }
        }
    }

    @Path("hello")
    public static final class HelloResource {
        @GET
        public String hello() {
            return "hello";
        }
    }

    /**
     * {@code BenchServer} serves SQLite; {@code BenchServer postgresql} serves embedded PostgreSQL
     * and also prints a second token, of a key whose rate limit never triggers here (2^31 - 1 an
     * hour, counted in the shared database window), and the name of that window's table.
     */
    public static void main(String[] args) throws Exception {
        boolean postgres = args.length > 0 && args[0].equals("postgresql");
        ApiKeyStore store = ApiKeyStore.builder()
                .jdbcUrl(postgres ? BenchDatabases.postgresUrl() : BenchDatabases.sqliteUrl("http"))
                .pepper(BenchDatabases.PEPPER).build();
        String token = store.create("bench", "bench", List.of("docs:read"), null).token();
        String limited = store.create("bench", KeySpec.of("limited", List.of("docs:read")).limits(dev.pkauth.UsageLimits.NONE
                .withRateLimit(new dev.pkauth.UsageLimits.RateLimit(Integer.MAX_VALUE, java.time.Duration.ofHours(1))))).token();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/servlet/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Hello()), "/servlet/hello");
        context.addServlet(new ServletHolder(new Hello()), "/plain/hello");
        if (postgres) context.addServlet(new ServletHolder(new UsageWrites(BenchDatabases.postgresUrl())), "/plain/usage-writes");
        context.addServlet(jersey(new ResourceConfig(HelloResource.class).register(new ApiKeyFeature(store))), "/jaxrs/*");
        context.addServlet(jersey(new ResourceConfig(HelloResource.class)), "/jaxrs-plain/*");
        server.setHandler(context);
        server.start();
        System.out.println("READY " + connector.getLocalPort() + " " + token + (postgres ? " " + limited : ""));
        System.out.flush();
        server.join();
    }

    private static ServletHolder jersey(ResourceConfig config) {
        ServletHolder holder = new ServletHolder(new ServletContainer(config.property(ServerProperties.WADL_FEATURE_DISABLE, true)));
        holder.setInitOrder(1);
        return holder;
    }
}
