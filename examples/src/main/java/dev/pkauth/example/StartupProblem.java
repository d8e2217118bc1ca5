package dev.pkauth.example;

import java.net.BindException;

/**
 * Why the example could not start, in one line that names the cause and the fix; the trace goes to
 * DEBUG. The database's reasons are worded by pkauth-core itself (the CLI prints the same); only
 * the port is the example's own.
 */
final class StartupProblem {
    private StartupProblem() {}

    static String describe(Throwable e, String host, String port) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException) {
                return "port " + (port == null || port.isBlank() ? "8080" : port.strip()) + " on " + host
                        + " is in use: stop what holds it, or set PORT (PORT=0 picks a free port)";
            }
        }
        String message = e instanceof dev.pkauth.PkauthException || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException ? e.getMessage() : e.toString();
        if (message == null) return e.getClass().getName();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
