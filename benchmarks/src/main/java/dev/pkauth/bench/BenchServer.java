package dev.pkauth.bench;

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

    @Path("hello")
    public static final class HelloResource {
        @GET
        public String hello() {
            return "hello";
        }
    }

    public static void main(String[] args) throws Exception {
        ApiKeyStore store = ApiKeyStore.builder().jdbcUrl(BenchDatabases.sqliteUrl("http")).pepper(BenchDatabases.PEPPER).build();
        String token = store.create("bench", "bench", List.of("docs:read"), null).token();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/servlet/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Hello()), "/servlet/hello");
        context.addServlet(new ServletHolder(new Hello()), "/plain/hello");
        context.addServlet(jersey(new ResourceConfig(HelloResource.class).register(new ApiKeyFeature(store))), "/jaxrs/*");
        context.addServlet(jersey(new ResourceConfig(HelloResource.class)), "/jaxrs-plain/*");
        server.setHandler(context);
        server.start();
        System.out.println("READY " + connector.getLocalPort() + " " + token);
        System.out.flush();
        server.join();
    }

    private static ServletHolder jersey(ResourceConfig config) {
        ServletHolder holder = new ServletHolder(new ServletContainer(config.property(ServerProperties.WADL_FEATURE_DISABLE, true)));
        holder.setInitOrder(1);
        return holder;
    }
}
