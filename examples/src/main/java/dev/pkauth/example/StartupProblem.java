package dev.pkauth.example;

import dev.pkauth.StoreUnavailableException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Why the example could not start, in one line that names the cause and the fix; the trace goes to DEBUG. */
final class StartupProblem {
    private StartupProblem() {}

    static String describe(Throwable e, String jdbcUrl, String host, String port) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (hasCause(e, BindException.class)) {
            return "port " + (port == null || port.isBlank() ? "8080" : port.strip()) + " on " + host
                    + " is in use: stop what holds it, or set PORT (PORT=0 picks a free port)";
        }
        if (e instanceof StoreUnavailableException || hasCause(e, java.sql.SQLException.class)) {
            String url = jdbcUrl == null ? "the database" : redact(jdbcUrl);
            String text = String.valueOf(root.getMessage());
            if (url.startsWith("jdbc:sqlite:")) {
                Path file = Path.of(url.substring("jdbc:sqlite:".length()).replaceFirst("^file:", ""));
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    return "cannot open " + url + ": directory " + dir + " does not exist (create it, or point PKAUTH_JDBC_URL elsewhere)";
                }
                if (text.contains("READONLY") || text.contains("readonly") || text.contains("read-only")) {
                    return "the database " + url + " is read-only: pkauth writes to it (file permissions, or a read-only mount)";
                }
            }
            if (text.contains("refused") || text.contains("Connection attempt failed") || text.contains("UnknownHost")) {
                return "cannot reach the database at " + url + " (" + firstLine(text)
                        + "): check PKAUTH_JDBC_URL and that the server is running";
            }
            return "the database at " + url + " cannot be used: " + firstLine(e.getMessage());
        }
        if (e instanceof IllegalStateException || e instanceof IllegalArgumentException) return firstLine(e.getMessage());
        return firstLine(e.toString());
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private static String firstLine(String s) {
        if (s == null) return "(no message)";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String redact(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
