package dev.pkauth.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A flood of distinct, well-formed, unknown key ids from one client address (a loopback alias),
 * one request per connection, for a fixed time; prints how many got each status. For measuring
 * what the flood costs a legitimate client on another address (BENCHMARKS.md, usage limits).
 *
 * <pre>java -cp benchmarks/target/pkauth-benchmarks.jar dev.pkauth.bench.FloodClient PORT SECONDS [THREADS] [FROM]</pre>
 */
public final class FloodClient {
    private FloodClient() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long end = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        InetAddress from = InetAddress.getByName(args.length > 3 ? args[3] : "127.0.0.2");
        InetAddress to = InetAddress.getByName("127.0.0.1");
        AtomicLong counter = new AtomicLong();
        AtomicLong[] byStatus = new AtomicLong[600];
        for (int i = 0; i < byStatus.length; i++) byStatus[i] = new AtomicLong();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                byte[] buffer = new byte[4096];
                while (System.nanoTime() < end) {
                    String id = String.format("%032d", counter.incrementAndGet()).replace('0', 'F');
                    String request = "GET /servlet/hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                            + "Authorization: Bearer pk.key_" + id + "." + "S".repeat(43) + "\r\n\r\n";
                    try (Socket s = new Socket(to, port, from, 0)) {
                        OutputStream out = s.getOutputStream();
                        out.write(request.getBytes(StandardCharsets.US_ASCII));
                        InputStream in = s.getInputStream();
                        int n = in.read(buffer);
                        if (n > 12) byStatus[Integer.parseInt(new String(buffer, 9, 3, StandardCharsets.US_ASCII))].incrementAndGet();
                        while (in.read(buffer) > 0) {
                            // drain until the server closes
                        }
                    } catch (Exception e) {
                        byStatus[0].incrementAndGet();
                    }
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) w.join();
        StringBuilder b = new StringBuilder("flood from " + from.getHostAddress() + ":");
        for (int i = 0; i < byStatus.length; i++) if (byStatus[i].get() > 0) b.append(' ').append(i == 0 ? "error" : i).append('×').append(byStatus[i].get());
        System.out.println(b);
    }
}
