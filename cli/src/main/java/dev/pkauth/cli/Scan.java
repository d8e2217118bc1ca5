package dev.pkauth.cli;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.TokenPattern;
import dev.pkauth.Verification;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pkauth scan}: finds this deployment's tokens in files, directories, stdin or a
 * repository's history, says of each whether it is live, and prints only its display prefix.
 */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Find this deployment's tokens in files, directories (.git skipped) or stdin, and say whether each"
                + " is live. Prints file:line: <prefix> (live|revoked|unknown|no store), never a secret.",
            "Without a database (no PKAUTH_JDBC_URL and no ./pkauth.db) a token with a valid checksum counts as live:"
                + " a hook fails closed."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:no live key found", "1:a live key found", "2:usage error", "3:store unavailable"})
final class Scan extends PkauthCli.Base {
    /** Files larger than this are skipped (logs and dumps, not source). */
    static final long MAX_FILE_BYTES = 64L * 1024 * 1024;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "files or directories to scan, or - for stdin (default: .)")
    List<String> paths = new ArrayList<>();

    @Option(names = "--git-history", description = "scan every commit's added lines (git log --all -p) of each PATH's repository")
    boolean gitHistory;

    @Option(names = "--revoke", description = "revoke the live keys found (audit actor scan:<your OS user>)")
    boolean revoke;

    @Option(names = "--json", description = "print the findings as a JSON array")
    boolean json;

    /** One token found. */
    record Finding(String where, int line, String prefix, String status) {}

    @Override
    public Integer call() throws Exception {
        if (paths.isEmpty()) paths.add(".");
        ApiKeyStore store = openIfAny();
        try {
            TokenPattern pattern = store != null ? store.tokenPattern() : TokenPattern.of(root.settings(true, Map.of()));
            List<Finding> findings = new ArrayList<>();
            Map<String, String> statusByToken = new LinkedHashMap<>();
            long[] bytes = {0};
            long started = System.nanoTime();
            for (String p : paths) {
                if (p.equals("-")) {
                    scanText("-", new String(root.stdin.readAllBytes(), StandardCharsets.ISO_8859_1), pattern, store,
                            statusByToken, findings, bytes);
                } else if (gitHistory) {
                    scanHistory(Path.of(p), pattern, store, statusByToken, findings, bytes);
                } else {
                    scanPath(Path.of(p), pattern, store, statusByToken, findings, bytes);
                }
            }
            if (json) {
                List<Object> out = new ArrayList<>();
                for (Finding f : findings) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("file", f.where());
                    m.put("line", f.line());
                    m.put("prefix", f.prefix());
                    m.put("status", f.status());
                    out.add(m);
                }
                out().println(Output.json(out));
            } else {
                for (Finding f : findings) out().println(f.where() + ":" + f.line() + ": " + f.prefix() + " (" + f.status() + ")");
            }
            double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
            long live = findings.stream().filter(f -> f.status().startsWith("live") || f.status().equals("no store")).count();
            err().printf("pkauth: scanned %.1f MB in %.2f s (%.0f MB/s): %d token(s), %d live%s%n", bytes[0] / 1e6, seconds,
                    bytes[0] / 1e6 / seconds, findings.size(), live,
                    store == null ? " (no store: tokens with a valid checksum count as live)" : "");
            return live > 0 ? PkauthCli.REJECTED : PkauthCli.OK;
        } finally {
            if (store != null) store.close();
        }
    }

    /** The store when one is configured and its database exists; {@code null} when none is. */
    private ApiKeyStore openIfAny() {
        try {
            root.settings(false, Map.of());
        } catch (StoreUnavailableException noDatabaseFile) {
            boolean configured = root.jdbcUrl != null || root.environment.get("PKAUTH_JDBC_URL") != null;
            if (configured) throw noDatabaseFile;
            return null;
        }
        return root.open(false);
    }

    private void scanPath(Path start, TokenPattern pattern, ApiKeyStore store, Map<String, String> statusByToken,
            List<Finding> findings, long[] bytes) throws IOException {
        if (!Files.exists(start)) throw new CommandLine.ParameterException(spec.commandLine(), "no such file or directory: " + start);
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(start)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isRegularFile() || attrs.size() > MAX_FILE_BYTES) return FileVisitResult.CONTINUE;
                byte[] content;
                try {
                    content = Files.readAllBytes(file);
                } catch (IOException unreadable) {
                    err().println("pkauth: cannot read " + file + ": " + unreadable.getMessage());
                    return FileVisitResult.CONTINUE;
                }
                bytes[0] += content.length;
                scanText(file.toString(), new String(content, StandardCharsets.ISO_8859_1), pattern, store, statusByToken,
                        findings, bytes);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                err().println("pkauth: cannot read " + file + ": " + e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Every token in {@code text}, with its line number. Tokens are ASCII, so any byte encoding finds them. */
    private void scanText(String where, String text, TokenPattern pattern, ApiKeyStore store, Map<String, String> statusByToken,
            List<Finding> findings, long[] bytes) {
        if (where.equals("-")) bytes[0] += text.length();
        int line = 1;
        int counted = 0;
        for (TokenPattern.Found f : pattern.find(text)) {
            for (int i = counted; i < f.start(); i++) if (text.charAt(i) == '\n') line++;
            counted = f.start();
            String status = status(f.token(), pattern, store, statusByToken, where + ":" + line);
            if (status != null) findings.add(new Finding(where, line, pattern.displayPrefix(f.token()), status));
        }
    }

    /**
     * What a found token is: live, revoked, unknown, or "no store"; {@code null} for text of the
     * shape without a checksum when there is no store to ask (documentation examples, old keys
     * nobody can check here).
     */
    private String status(String token, TokenPattern pattern, ApiKeyStore store, Map<String, String> statusByToken, String where) {
        String known = statusByToken.get(token);
        if (known != null) return known;
        String status;
        if (store == null) {
            status = pattern.hasChecksum(token) ? "no store" : null;
        } else {
            Verification v = store.inspect(token, null);
            if (v instanceof Verification.Valid valid) {
                status = "live";
                if (revoke && store.withActor("scan:" + System.getProperty("user.name", "unknown"))
                        .revoke(valid.key().id(), "found by pkauth scan in " + where)) {
                    status = "live, now revoked";
                }
            } else if (v instanceof Verification.Invalid i && (i.reason() == Verification.Reason.REVOKED
                    || i.reason() == Verification.Reason.EXPIRED || i.reason() == Verification.Reason.DISABLED
                    || i.reason() == Verification.Reason.POLICY)) {
                status = "revoked";
            } else {
                status = "unknown";
            }
        }
        if (status != null) statusByToken.put(token, status);
        return status;
    }

    /**
     * The lines every commit of {@code dir}'s repository added ({@code git log --all -p}), each
     * found token reported as {@code <commit>:<path>:<line>}.
     */
    private void scanHistory(Path dir, TokenPattern pattern, ApiKeyStore store, Map<String, String> statusByToken,
            List<Finding> findings, long[] bytes) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("git", "-C", dir.toString(), "log", "--all", "-p", "--no-color", "--no-ext-diff",
                "--no-textconv", "--format=commit %H").redirectErrorStream(false);
        Process git;
        try {
            git = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("--git-history needs git on the PATH: " + e.getMessage());
        }
        git.getOutputStream().close();
        String commit = "";
        String file = "";
        int line = 0;
        try (InputStream in = git.getInputStream();
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
            String l;
            while ((l = r.readLine()) != null) {
                bytes[0] += l.length() + 1;
                if (l.startsWith("commit ")) {
                    commit = l.substring(7, Math.min(l.length(), 19));
                } else if (l.startsWith("+++ ")) {
                    file = l.startsWith("+++ b/") ? l.substring(6) : l.substring(4);
                } else if (l.startsWith("@@ ")) {
                    int plus = l.indexOf(" +");
                    int end = plus < 0 ? -1 : l.indexOf(',', plus);
                    int space = plus < 0 ? -1 : l.indexOf(' ', plus + 2);
                    int stop = end < 0 || (space >= 0 && space < end) ? space : end;
                    try {
                        line = plus < 0 || stop < 0 ? 0 : Integer.parseInt(l.substring(plus + 2, stop));
                    } catch (NumberFormatException e) {
                        line = 0;
                    }
                } else if (l.startsWith("+")) {
                    for (TokenPattern.Found f : pattern.find(l)) {
                        String where = commit + ":" + file;
                        String status = status(f.token(), pattern, store, statusByToken, where + ":" + line);
                        if (status != null) findings.add(new Finding(where, line, pattern.displayPrefix(f.token()), status));
                    }
                    line++;
                } else if (l.startsWith(" ")) {
                    line++;
                }
            }
        }
        if (!git.waitFor(60, TimeUnit.SECONDS)) git.destroyForcibly();
        if (git.exitValue() != 0) {
            String message = new String(git.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IllegalArgumentException("git log failed in " + dir + ": " + message);
        }
    }
}
