package com.example;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Settings;
import dev.pkauth.jaxrs.ApiKeyFeature;
import dev.pkauth.jaxrs.ApiKeyPrincipals;
import dev.pkauth.jaxrs.RequireScopes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/** A docs API protected by pkauth, as the README's JAX-RS section shows it. */
public final class DocsApi {
    private DocsApi() {}

    @Path("docs")
    @RequireScopes("docs:read")
    public static class DocsResource {
        @GET
        public String list(@Context SecurityContext security) {
            ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
            return "docs of " + caller.userId();
        }
    }

    /** Starts the API on {@code port} (0: a free one) in front of {@code store}. */
    public static Server start(ApiKeyStore store, int port) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ResourceConfig app = new ResourceConfig(DocsResource.class).register(new ApiKeyFeature(store));
        context.addServlet(new ServletHolder(new ServletContainer(app)), "/*");
        server.setHandler(context);
        server.start();
        return server;
    }

    public static void main(String[] args) throws Exception {
        ApiKeyStore store = ApiKeyStore.builder().settings(Settings.fromEnvironment()).build(); // PKAUTH_* variables
        start(store, 8080).join();
    }
}
