package dev.pkauth.bench.tomcat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.servlet.ApiKeyFilter;
import dev.pkauth.testing.TomcatServers;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.startup.Tomcat;

/**
 * {@code BenchServer}'s Servlet half on an embedded Tomcat (the one the Servlet filter's tests run
 * on, {@link TomcatServers}): a trivial servlet behind {@link ApiKeyFilter} ({@code /servlet/hello})
 * and the same servlet with no filter ({@code /plain/hello}, the ceiling), on a fresh SQLite file. Prints {@code READY <port> <token>}
 * when it serves. {@code benchmarks/every-stack.sh} drives it.
 */
public final class TomcatBenchServer {
    /** The pepper of every benchmark store. */
    private static final String PEPPER = "benchmark-pepper-0123456789abcdef";

    private TomcatBenchServer() {}

    /** Answers "hello". */
    public static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().write("hello");
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("pkauth-tomcat-bench-");
        ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + dir.resolve("http.db")).pepper(PEPPER).build();
        String token = store.create("bench", "bench", List.of("docs:read"), null).token();

        Tomcat tomcat = TomcatServers.start(d -> d
                .filter("pkauth", new ApiKeyFilter(store), "/servlet/*")
                .servlet("hello", new Hello(), "/servlet/hello")
                .servlet("plain", new Hello(), "/plain/hello"));
        int port = tomcat.getConnector().getLocalPort();
        System.out.println("READY " + port + " " + token);
        System.out.flush();
        tomcat.getServer().await();
    }
}
