package dev.pkauth.testing;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Files;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A real embedded Tomcat on a free loopback port (and the same port on {@code ::1} when the
 * machine has it), for running the HTTP contracts on Tomcat beside Jetty. The deployment is set
 * up through Tomcat's own context API, as a host application embedding Tomcat would.
 */
public final class TomcatServers {
    private TomcatServers() {}

    /** A deployment being set up: filters and servlets in the order given, on the root context. */
    public static final class Deployment {
        private final Context context;

        private Deployment(Context context) {
            this.context = context;
        }

        /** Maps {@code filter} to {@code pattern} (REQUEST dispatches). */
        public Deployment filter(String name, Filter filter, String pattern) {
            FilterDef def = new FilterDef();
            def.setFilterName(name);
            def.setFilter(filter);
            def.setAsyncSupported("true");
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(name);
            map.addURLPattern(pattern);
            context.addFilterMap(map);
            return this;
        }

        /** Maps {@code servlet} to {@code pattern}, started with the context. */
        public Deployment servlet(String name, Servlet servlet, String pattern) {
            var wrapper = Tomcat.addServlet(context, name, servlet);
            wrapper.setLoadOnStartup(1);
            wrapper.setAsyncSupported(true);
            context.addServletMapping(pattern, name);
            return this;
        }

        /** Adds a valve to the context's pipeline (before its filters), such as {@code RemoteIpValve}. */
        public Deployment valve(org.apache.catalina.Valve valve) {
            context.getPipeline().addValve(valve);
            return this;
        }

        /** Sets a ServletContext attribute before any filter or servlet starts. */
        public Deployment attribute(String name, Object value) {
            context.addServletContainerInitializer((classes, servletContext) -> servletContext.setAttribute(name, value), null);
            return this;
        }
    }

    public static Tomcat start(Consumer<Deployment> setup) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("pkauth-tomcat-").toString());
        Connector connector = connector("127.0.0.1", 0);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        setup.accept(new Deployment(context));
        tomcat.start();
        if (Loopback.ipv6()) tomcat.getService().addConnector(connector("::1", connector.getLocalPort()));
        return tomcat;
    }

    private static Connector connector(String address, int port) {
        Connector c = new Connector();
        c.setProperty("address", address);
        c.setPort(port);
        c.setProperty("maxHttpHeaderSize", String.valueOf(16 * 1024));
        return c;
    }

    public static URI uri(Tomcat tomcat) {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/");
    }

    public static void stop(Tomcat tomcat) throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }
}
