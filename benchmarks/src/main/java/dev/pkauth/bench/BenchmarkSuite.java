package dev.pkauth.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every performance target of pkauth side by side and prints a Markdown table:
 * {@code java -jar benchmarks/target/pkauth-benchmarks.jar [--quick] [--skip-http]}.
 * Medians of JMH iterations; HTTP through wrk, medians of interleaved rounds.
 */
public final class BenchmarkSuite {
    private final boolean quick;
    private final List<String> rows = new ArrayList<>();

    private BenchmarkSuite(boolean quick) {
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        BenchmarkSuite suite = new BenchmarkSuite(a.contains("--quick"));
        suite.runJmh();
        suite.runTouch();
        if (!a.contains("--skip-http")) suite.runHttp();
        suite.print();
    }

    // --- JMH ------------------------------------------------------------------------------

    private Map<String, RunResult> jmh(String include, boolean gc) throws Exception {
        ChainedOptionsBuilder o = new OptionsBuilder().include(include).forks(1)
                .warmupIterations(quick ? 2 : 5).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 10).measurementTime(TimeValue.seconds(1))
                .shouldFailOnError(true);
        if (gc) o.addProfiler(GCProfiler.class);
        Collection<RunResult> results = new Runner(o.build()).run();
        Map<String, RunResult> byName = new HashMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            method = method.substring(method.lastIndexOf('.') + 1);
            StringBuilder key = new StringBuilder(method);
            for (String p : r.getParams().getParamsKeys()) key.append(':').append(r.getParams().getParam(p));
            byName.put(key.toString(), r);
        }
        return byName;
    }

    static double median(RunResult r) {
        return r.getPrimaryResult().getStatistics().getPercentile(50);
    }

    static double allocPerOp(RunResult r) {
        for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) return e.getValue().getStatistics().getPercentile(50);
        }
        return Double.NaN;
    }

    private void runJmh() throws Exception {
        Map<String, RunResult> v = jmh(VerifyBenchmark.class.getSimpleName(), true);
        double hmac = median(v.get("bareHmac"));
        double cached = median(v.get("cachedVerify"));
        double alloc = allocPerOp(v.get("cachedVerify"));
        row("1", "cached verify vs bare HMAC-SHA256", fmt(cached) + " ns vs " + fmt(hmac) + " ns; " + fmt(alloc) + " B/op",
                cached / hmac, "≤ 2.0× and ≤ 1024 B/op", cached / hmac <= 2.0 && alloc <= 1024);
        double unknown = median(v.get("unknownId"));
        double wrong = median(v.get("knownIdWrongSecret"));
        double diff = Math.abs(unknown - wrong) / Math.min(unknown, wrong);
        row("T", "unknown id vs known id with wrong secret (timing)", fmt(unknown) + " ns vs " + fmt(wrong) + " ns",
                unknown / wrong, "differ < 10%", diff < 0.10);

        Map<String, RunResult> u = jmh(UncachedVerifyBenchmark.class.getSimpleName(), false);
        for (String backend : List.of("sqlite", "postgresql")) {
            double verify = median(u.get("uncachedVerify:" + backend));
            double select = median(u.get("bareSelect:" + backend));
            row("2", "uncached verify vs bare PK select, " + backend, fmt(verify) + " µs vs " + fmt(select) + " µs",
                    verify / select, "≤ 1.3×", verify / select <= 1.3);
        }

        Map<String, RunResult> s = jmh(ScaleBenchmark.class.getSimpleName(), false);
        double small = median(s.get("uncachedVerify:1000"));
        double large = median(s.get("uncachedVerify:1000000"));
        row("4", "uncached verify, 1,000,000 vs 1,000 keys (SQLite)", fmt(large) + " µs vs " + fmt(small) + " µs",
                large / small, "≤ 1.25×", large / small <= 1.25);

        Map<String, RunResult> p = jmh(PasswordHasherBenchmark.class.getSimpleName(), false);
        double bcrypt = median(p.get("bcryptCost10"));
        double argon = median(p.get("argon2id"));
        double uncachedSqlite = median(u.get("uncachedVerify:sqlite"));
        row("6", "verifications/s on one thread: pkauth cached / pkauth uncached (SQLite) / bcrypt cost 10 / Argon2id 19 MiB",
                fmt(1e9 / cached) + " / " + fmt(1e6 / uncachedSqlite) + " / " + fmt(1e6 / bcrypt) + " / " + fmt(1e6 / argon),
                (1e9 / cached) / (1e6 / bcrypt), "report (ratio: cached pkauth / bcrypt)", true);
    }

    // --- touch writes ---------------------------------------------------------------------

    private void runTouch() throws Exception {
        Duration load = quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30);
        for (Duration interval : List.of(Duration.ofSeconds(60), Duration.ofSeconds(5))) {
            TouchWriteCount.Result r = TouchWriteCount.run(load, interval, 2);
            long allowed = load.toSeconds() / interval.toSeconds() + 1;
            row("5", "last_used_at writes, one key, " + load.toSeconds() + " s of load, interval " + interval.toSeconds() + " s",
                    r.writes() + " writes for " + fmt(r.verifications()) + " verifications", Double.NaN,
                    "≤ " + allowed + " (one per interval)", r.writes() <= allowed);
        }
    }

    // --- HTTP -----------------------------------------------------------------------------

    private void runHttp() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = Path.of(BenchmarkSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        Process server = new ProcessBuilder(java, "-cp", jar, BenchServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            if (ready == null || !ready.startsWith("READY ")) throw new IllegalStateException("server did not start: " + ready);
            String[] parts = ready.split(" ");
            String base = "http://127.0.0.1:" + parts[1];
            String auth = "Authorization: Bearer " + parts[2];
            List<String> paths = List.of("/plain/hello", "/servlet/hello", "/jaxrs-plain/hello", "/jaxrs/hello");
            int seconds = quick ? 3 : 8;
            for (String path : paths) wrk(base + path, auth, 3); // warm up the JIT and the cache
            Map<String, List<double[]>> runs = new HashMap<>();
            for (int round = 0; round < (quick ? 1 : 3); round++) {
                for (String path : paths) runs.computeIfAbsent(path, k -> new ArrayList<>()).add(wrk(base + path, auth, seconds));
            }
            compare("Servlet filter", medianOf(runs.get("/servlet/hello")), medianOf(runs.get("/plain/hello")));
            compare("JAX-RS filter", medianOf(runs.get("/jaxrs/hello")), medianOf(runs.get("/jaxrs-plain/hello")));
        } finally {
            server.destroy();
        }
    }

    private void compare(String what, double[] filtered, double[] plain) {
        double ratio = filtered[0] / plain[0];
        row("3", "HTTP rps, " + what + " vs no filter (wrk -t1 -c16)",
                fmt(filtered[0]) + " vs " + fmt(plain[0]) + " req/s; p50 " + fmt(filtered[1]) + " vs " + fmt(plain[1])
                        + " ms; p99 " + fmt(filtered[2]) + " vs " + fmt(plain[2]) + " ms",
                ratio, "≥ 0.85×", ratio >= 0.85);
    }

    /** The run with the median requests per second: {rps, p50 ms, p99 ms}. */
    static double[] medianOf(List<double[]> runs) {
        List<double[]> sorted = new ArrayList<>(runs);
        sorted.sort((x, y) -> Double.compare(x[0], y[0]));
        return sorted.get(sorted.size() / 2);
    }

    private static double[] wrk(String url, String header, int seconds) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency", "-H", header, url)
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IllegalStateException("wrk failed (install it: apt-get install wrk): " + text);
        if (text.contains("Non-2xx")) throw new IllegalStateException("non-2xx answers from " + url + ":\n" + text);
        return new double[] {number(text, "Requests/sec:\\s+([\\d.]+)"), latency(text, "50%"), latency(text, "99%")};
    }

    private static double latency(String wrk, String percentile) {
        Matcher m = Pattern.compile(percentile + "\\s+([\\d.]+)(us|ms|s)").matcher(wrk);
        if (!m.find()) throw new IllegalStateException("no " + percentile + " in wrk output");
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("no match for " + regex + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    // --- report ---------------------------------------------------------------------------

    private void row(String target, String what, String measured, double ratio, String goal, boolean met) {
        rows.add("| " + target + " | " + what + " | " + measured + " | " + (Double.isNaN(ratio) ? "—" : String.format(Locale.ROOT, "%.2f×", ratio))
                + " | " + goal + " | " + (met ? "met" : "**not met**") + " |");
    }

    static String fmt(double v) {
        if (v >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (v >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private void print() throws Exception {
        StringBuilder b = new StringBuilder();
        b.append("Run ").append(LocalDate.now()).append(" on ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(quick ? " (--quick)" : "").append("\n\n");
        b.append("| # | target | measured (medians) | ratio | goal | |\n| --- | --- | --- | --- | --- | --- |\n");
        for (String r : rows) b.append(r).append('\n');
        System.out.println();
        System.out.print(b);
        Files.writeString(Path.of("benchmark-results.md"), b.toString());
    }
}
