package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/** Jersey as a servlet in a real Jetty on a free loopback port. */
public final class JerseyServers {
    private JerseyServers() {}

    /** {@code store} goes in the ServletContext attribute when not {@code null}. */
    public static Server start(ResourceConfig app, ApiKeyStore store) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(16 * 1024);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        // With sessions: the keys page keeps its CSRF token in the container's session.
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath("/");
        if (store != null) context.setAttribute(ApiKeyAuthFilter.STORE_PROPERTY, store);
        ServletHolder jersey = new ServletHolder(new ServletContainer(app));
        jersey.setInitOrder(1);
        context.addServlet(jersey, "/*");
        server.setHandler(context);
        server.start();
        // The same port on IPv6 loopback, so the contract can call from ::1 too.
        if (!dev.pkauth.testing.Loopback.ipv6()) return server;
        ServerConnector v6 = new ServerConnector(server, new HttpConnectionFactory(http));
        v6.setHost("::1");
        v6.setPort(connector.getLocalPort());
        server.addConnector(v6);
        v6.start();
        return server;
    }

    public static URI uri(Server server) {
        return URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + "/");
    }
}
