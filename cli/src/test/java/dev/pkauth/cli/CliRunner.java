package dev.pkauth.cli;

import dev.pkauth.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The CLI's entry point run in this JVM, as the CLI tests drive it ({@code CliIT} runs the packaged jar itself). */
final class CliRunner {
    private CliRunner() {}

    record Result(int exit, String out, String err) {}

    /** Logging as the jar configures it (its logback.xml, not the tests' logback-test.xml), so stderr reads the same. */
    static void logAsTheJarDoes() throws Exception {
        ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        context.reset();
        ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(PkauthCli.class.getResource("/logback.xml"));
    }

    /**
     * One command line: the environment holds only {@code db}'s settings and what the test gives,
     * and stderr gets the log lines the CLI's logback.xml lets through, as the console would show them.
     */
    static Result run(@Nullable TestDatabase db, Map<String, String> extraEnv, @Nullable String stdin, String... args) {
        Map<String, String> env = new java.util.HashMap<>();
        if (db != null) {
            env.put("PKAUTH_JDBC_URL", db.jdbcUrl());
            env.put("PKAUTH_TABLE", db.table());
            env.put("PKAUTH_PEPPER", db.pepper());
            if (db.user() != null) env.put("PKAUTH_JDBC_USER", db.user());
        }
        env.putAll(extraEnv);
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit;
        StringBuilder stderr;
        try (dev.pkauth.testing.Logs logs = dev.pkauth.testing.Logs.captureAll()) {
            exit = PkauthCli.run(args, env,
                    new java.io.ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.US_ASCII)),
                    new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
            stderr = new StringBuilder(err.toString());
            for (String line : logs.lines()) stderr.append(line).append(System.lineSeparator());
        }
        return new Result(exit, out.toString(), stderr.toString());
    }
}
