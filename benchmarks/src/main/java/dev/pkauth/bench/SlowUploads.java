package dev.pkauth.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A key holder's slow uploads against everyone else's requests: {@code CONNECTIONS} connections
 * each {@code POST} a body to the keys endpoint one byte every {@code GAP} seconds (opening a new
 * connection one gap after the server ends one, and trickling on after an answer until the
 * server closes the connection), while another user's client sends {@code GET}s with
 * its own key, one at a time, and records their latencies. Prints the other user's p50/p99 before
 * the attack and during it, and what the slow connections were answered.
 *
 * <pre>java -cp benchmarks/target/pkauth-benchmarks.jar dev.pkauth.bench.SlowUploads \
 *     PORT KEYS_PATH ATTACKER_KEY VICTIM_PATH VICTIM_KEY [CONNECTIONS=500] [GAP_SECONDS=5] [SECONDS=30]</pre>
 */
public final class SlowUploads {
    private SlowUploads() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String keysPath = args[1];
        String attackerKey = args[2];
        String victimPath = args[3];
        String victimKey = args[4];
        int connections = args.length > 5 ? Integer.parseInt(args[5]) : 500;
        long gapMillis = (args.length > 6 ? Long.parseLong(args[6]) : 5) * 1000;
        long seconds = args.length > 7 ? Long.parseLong(args[7]) : 30;
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);

        victim(server, victimPath, victimKey, 10); // warm-up, not counted
        long[] before = victim(server, victimPath, victimKey, seconds);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentHashMap<String, AtomicLong> answers = new ConcurrentHashMap<>();
        List<Thread> attackers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(null, () -> {
                while (!stop.get()) {
                    slowUpload(server, keysPath, attackerKey, gapMillis, stop, answers);
                    pause(gapMillis); // a slow client, not a flood: the next connection one gap later
                }
            }, "slow-upload-" + i, 256 * 1024);
            t.setDaemon(true);
            t.start();
            attackers.add(t);
        }
        Thread.sleep(gapMillis * 2); // let every connection be open and trickling
        long[] during = victim(server, victimPath, victimKey, seconds);
        stop.set(true);
        for (Thread t : attackers) t.join(gapMillis + 5000);
        System.out.printf("other user alone:  %d requests, p50 %.2f ms, p99 %.2f ms, slowest %.1f ms%n", before.length,
                ms(pct(before, 50)), ms(pct(before, 99)), ms(before.length == 0 ? 0 : before[before.length - 1]));
        System.out.printf("during %d slow uploads: %d requests, p50 %.2f ms, p99 %.2f ms, slowest %.1f ms (p99 %.2f×)%n",
                connections, during.length, ms(pct(during, 50)), ms(pct(during, 99)),
                ms(during.length == 0 ? 0 : during[during.length - 1]), (double) pct(during, 99) / Math.max(1, pct(before, 99)));
        System.out.println("slow uploads were answered: " + answers);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long pct(long[] sorted, int p) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** One slow upload: headers at once, then a byte every gap until answered, closed, or stopped. */
    private static void slowUpload(InetSocketAddress server, String path, String key, long gapMillis, AtomicBoolean stop,
            ConcurrentHashMap<String, AtomicLong> answers) {
        String body = "{\"name\":\"" + "s".repeat(200) + "\"}";
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(server, 10_000);
            s.setSoTimeout((int) gapMillis);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] response = new byte[12];
            boolean answered = false;
            for (int i = 0; i < body.length() && !stop.get(); i++) {
                out.write(body.charAt(i));
                out.flush();
                if (!answered) {
                    try {
                        int n = in.readNBytes(response, 0, 12);
                        count(answers, n == 12 ? new String(response, 9, 3, StandardCharsets.US_ASCII) : "closed");
                        answered = true; // and go on trickling: a hostile client does not stop when answered
                    } catch (java.net.SocketTimeoutException stillReading) {
                        continue; // the server is still waiting for the body: send the next byte
                    }
                }
                try {
                    if (in.read() < 0) return; // the server closed the connection
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // the server keeps the connection (and perhaps a thread) for the rest of the body
                }
            }
        } catch (Exception e) {
            count(answers, e.getClass().getSimpleName());
        }
    }

    private static void count(ConcurrentHashMap<String, AtomicLong> answers, String what) {
        answers.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** The other user's requests, one at a time on fresh connections, for {@code seconds}: sorted latencies. */
    private static long[] victim(InetSocketAddress server, String path, String key, long seconds) {
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + key
                + "\r\n\r\n";
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long[] latencies = new long[1 << 20];
        int n = 0;
        byte[] buffer = new byte[8192];
        while (System.nanoTime() < end && n < latencies.length) {
            long started = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(server, 30_000);
                s.setSoTimeout(30_000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                int read = in.read(buffer);
                if (read < 12 || !new String(buffer, 9, 3, StandardCharsets.US_ASCII).equals("200")) {
                    throw new IllegalStateException("the other user was answered "
                            + (read < 12 ? "nothing" : new String(buffer, 0, 12, StandardCharsets.US_ASCII)));
                }
                while (in.read(buffer) > 0) {
                    // to the end of the response
                }
            } catch (Exception e) {
                latencies[n++] = 30_000_000_000L; // a timeout or failure counts as the longest wait
                continue;
            }
            latencies[n++] = System.nanoTime() - started;
        }
        long[] out = Arrays.copyOf(latencies, n);
        Arrays.sort(out);
        return out;
    }
}
