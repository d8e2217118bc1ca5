package dev.pkauth.servlet;

import java.net.URI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty on a free loopback port. Headers up to 16 KB reach the filter (Jetty's default is 8 KB). */
public final class JettyServers {
    private JettyServers() {}

    public static Server start(Handler handler) throws Exception {
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(16 * 1024);
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
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
