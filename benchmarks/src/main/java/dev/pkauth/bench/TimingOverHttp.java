package dev.pkauth.bench;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.servlet.ApiKeyFilter;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Timing over HTTP with the cache off: an unknown key id against a known id with a wrong secret,
 * through the Servlet filter on a real Jetty, on SQLite and PostgreSQL. The two kinds of request
 * are interleaved one by one so that drift in the machine's speed affects both alike; each
 * latency is one request's round trip on one keep-alive connection. Prints medians and p99.
 *
 * <pre>java -cp benchmarks/target/pkauth-benchmarks.jar dev.pkauth.bench.TimingOverHttp [requests per kind]</pre>
 */
public final class TimingOverHttp {
    private TimingOverHttp() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        for (String backend : List.of("sqlite", "postgresql")) {
            String url = backend.equals("sqlite") ? BenchDatabases.sqliteUrl("timing") : BenchDatabases.postgresUrl();
            try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl(url).table("timing_keys").pepper(BenchDatabases.PEPPER)
                    .cacheTtl(Duration.ZERO).build()) {
                String token = store.create("bench", null, List.of(), null).token();
                String unknown = "pk.key_" + "A".repeat(32) + token.substring(39);
                String wrong = token.substring(0, 82) + (token.charAt(82) == 'A' ? 'B' : 'A');
                Server server = new Server();
                ServerConnector connector = new ServerConnector(server);
                connector.setHost("127.0.0.1");
                server.addConnector(connector);
                ServletContextHandler context = new ServletContextHandler();
                context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/*", EnumSet.of(DispatcherType.REQUEST));
                context.addServlet(new ServletHolder(new BenchServer.Hello()), "/hello");
                server.setHandler(context);
                server.start();
                try {
                    URI uri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/hello");
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    long[][] nanos = new long[2][n];
                    String[] tokens = {unknown, wrong};
                    for (int warm = 0; warm < 2_000; warm++) send(http, uri, tokens[warm % 2]);
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < 2; k++) {
                            long start = System.nanoTime();
                            int status = send(http, uri, tokens[k]);
                            nanos[k][i] = System.nanoTime() - start;
                            if (status != 401) throw new IllegalStateException("expected 401, got " + status);
                        }
                    }
                    System.out.printf("%s, cache off, %,d requests each: unknown id p50 %.1f µs p99 %.1f µs;"
                            + " wrong secret p50 %.1f µs p99 %.1f µs; p50 ratio %.2f%n", backend, n,
                            pct(nanos[0], 50), pct(nanos[0], 99), pct(nanos[1], 50), pct(nanos[1], 99),
                            pct(nanos[0], 50) / pct(nanos[1], 50));
                } finally {
                    server.stop();
                }
            }
        }
        System.exit(0);
    }

    private static int send(HttpClient http, URI uri, String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET().build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static double pct(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1000.0;
    }
}
