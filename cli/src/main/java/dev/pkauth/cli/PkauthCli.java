package dev.pkauth.cli;

import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyStore;

import dev.pkauth.IssuedKey;
import dev.pkauth.Settings;
import dev.pkauth.IpAllowlist;
import dev.pkauth.KeyQuery;
import dev.pkauth.KeySpec;
import dev.pkauth.UsageLimits;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.Verification;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code pkauth}: mint, list, rotate, revoke and verify API keys from a shell.
 * Exit codes: 0 done, 1 rejected or not found, 2 usage error, 3 store unavailable.
 */
@Command(name = "pkauth", mixinStandardHelpOptions = true, version = "pkauth 0.1.0",
        description = "Manage pkauth API keys. Options fall back to PKAUTH_* environment variables.",
        subcommands = {
            PkauthCli.Create.class, PkauthCli.ListKeys.class, PkauthCli.Show.class, PkauthCli.Limits.class, PkauthCli.Revoke.class,
            PkauthCli.Disable.class, PkauthCli.Enable.class, PkauthCli.Sweep.class, PkauthCli.Report.class, PkauthCli.Audit.class,
            PkauthCli.Purge.class, PkauthCli.Refresh.class, PkauthCli.Rotate.class, PkauthCli.Verify.class, Scan.class, Import.class,
            PkauthCli.Migrate.class, Accounts.class, PkauthCli.Completion.class, CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:rejected or not found", "2:usage error", "3:store unavailable"})
public final class PkauthCli {
    static final int OK = 0;
    static final int REJECTED = 1;
    static final int USAGE = 2;
    static final int UNAVAILABLE = 3;
    static final String DEFAULT_JDBC_URL = "jdbc:sqlite:pkauth.db";

    @Option(names = "--jdbc-url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "jdbc:sqlite:… or jdbc:postgresql://… (default: $PKAUTH_JDBC_URL, else " + DEFAULT_JDBC_URL + ")")
    String jdbcUrl;

    @Option(names = "--table", scope = ScopeType.INHERIT, paramLabel = "T",
            description = "key table (default: $PKAUTH_TABLE, else pkauth_api_keys)")
    String table;

    @Option(names = "--actor", scope = ScopeType.INHERIT, paramLabel = "WHO",
            description = "who the audit log records for changes (default: cli:<your OS user>)")
    String actor;

    /** The audit log's actor for this invocation. */
    String actor() {
        return actor != null ? actor : "cli:" + System.getProperty("user.name", "unknown");
    }

    Map<String, String> environment = System.getenv();
    java.io.InputStream stdin = System.in;
    Clock clock = Clock.systemUTC();

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /**
     * Each command's examples, shown under "Examples:" in its help; {@code CliHelpTest} parses
     * every one, so none can drift from the options.
     */
    static final Map<String, List<String>> EXAMPLES = Map.ofEntries(
            Map.entry("pkauth", List.of(
                    "pkauth create --user alice --name CI --scopes docs:read --expires-in 90d",
                    "pkauth list --user alice",
                    "pkauth --jdbc-url jdbc:postgresql://db:5432/app list --all-users --unused-for 90d")),
            Map.entry("pkauth scan", List.of(
                    "pkauth scan .",
                    "git diff --cached | java -jar pkauth-cli.jar scan -",
                    "pkauth scan --git-history --revoke .")),
            Map.entry("pkauth import", List.of(
                    "pkauth import --from better-auth --source-jdbc-url jdbc:sqlite:auth.db --dry-run",
                    "pkauth import --from unkey --source-jdbc-url jdbc:postgresql://db:5432/unkey",
                    "pkauth import --from csv keys.csv --json")),
            Map.entry("pkauth create", List.of(
                    "pkauth create --user alice --name CI --scopes docs:read,docs:write --expires-in 90d",
                    "pkauth create --user acme --rate-limit 100/1m --credits 1000 --refill 1000/30d",
                    "pkauth create --user partner --allow-ip 203.0.113.0/24 --expires-at 2027-01-01T00:00:00Z")),
            Map.entry("pkauth list", List.of(
                    "pkauth list --user alice",
                    "pkauth list --user alice --all --json",
                    "pkauth list --all-users --expiring-within 7d --limit 100")),
            Map.entry("pkauth show", List.of("pkauth show key_0123456789abcdefghijklmnopqrstuv --json")),
            Map.entry("pkauth limits", List.of(
                    "pkauth limits key_0123456789abcdefghijklmnopqrstuv --rate-limit 10/1s",
                    "pkauth limits key_0123456789abcdefghijklmnopqrstuv --credits 500 --no-refill")),
            Map.entry("pkauth revoke", List.of(
                    "pkauth revoke key_0123456789abcdefghijklmnopqrstuv",
                    "pkauth revoke --user alice --all")),
            Map.entry("pkauth disable", List.of("pkauth disable key_0123456789abcdefghijklmnopqrstuv")),
            Map.entry("pkauth enable", List.of("pkauth enable key_0123456789abcdefghijklmnopqrstuv")),
            Map.entry("pkauth report", List.of(
                    "pkauth report",
                    "pkauth report --unused-for 30d --expiring-within 14d --json")),
            Map.entry("pkauth sweep", List.of(
                    "pkauth sweep --unused-for 180d --dry-run",
                    "pkauth sweep --unused-for 180d")),
            Map.entry("pkauth audit", List.of(
                    "pkauth audit --key key_0123456789abcdefghijklmnopqrstuv",
                    "pkauth audit --user alice --since 7d --json")),
            Map.entry("pkauth purge", List.of(
                    "pkauth purge --revoked-before 90d --dry-run",
                    "pkauth purge key_0123456789abcdefghijklmnopqrstuv")),
            Map.entry("pkauth refresh", List.of(
                    "pkauth refresh key_0123456789abcdefghijklmnopqrstuv --expires-in 30d",
                    "pkauth refresh key_0123456789abcdefghijklmnopqrstuv --no-expiry")),
            Map.entry("pkauth rotate", List.of(
                    "pkauth rotate key_0123456789abcdefghijklmnopqrstuv",
                    "pkauth rotate key_0123456789abcdefghijklmnopqrstuv --overlap 0s")),
            Map.entry("pkauth verify", List.of(
                    "pkauth verify - < token.txt",
                    "pkauth verify pk.key_0123456789abcdefghijklmnopqrstuv.0123456789abcdefghijklmnopqrstuvwxyzABCDEFG")),
            Map.entry("pkauth migrate", List.of(
                    "pkauth migrate",
                    "pkauth --jdbc-url jdbc:postgresql://db:5432/app --table api_keys migrate")),
            Map.entry("pkauth completion", List.of(
                    "source <(java -jar pkauth-cli.jar completion)",
                    "java -jar pkauth-cli.jar completion > /etc/bash_completion.d/pkauth")),
            Map.entry("pkauth accounts", List.of("pkauth accounts list --user alice")),
            Map.entry("pkauth accounts list", List.of("pkauth accounts list --user alice --json")));

    /** The command line with every command's help listing its examples and the exit codes. */
    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new PkauthCli());
        Map<String, String> codes = new java.util.LinkedHashMap<>();
        codes.put("0", "done");
        codes.put("1", "rejected or not found");
        codes.put("2", "usage error");
        codes.put("3", "store unavailable");
        java.util.Deque<CommandLine> todo = new java.util.ArrayDeque<>(List.of(cmd));
        while (!todo.isEmpty()) {
            CommandLine c = todo.poll();
            CommandLine.Model.UsageMessageSpec usage = c.getCommandSpec().usageMessage();
            usage.exitCodeListHeading("%nExit codes:%n").exitCodeList(codes).width(120); // examples stay on one line
            List<String> examples = EXAMPLES.get(c.getCommandSpec().qualifiedName());
            if (examples != null) {
                usage.footerHeading("%nExamples:%n").footer(examples.stream().map(e -> "  " + e).toArray(String[]::new));
            }
            todo.addAll(c.getSubcommands().values());
        }
        return cmd;
    }

    static int run(String[] args, Map<String, String> environment) {
        return run(args, environment, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    /**
     * Runs one command line against {@code environment} and the given streams, as {@code main}
     * does with the process's: the entry point tests drive in-process.
     */
    static int run(String[] args, Map<String, String> environment, java.io.InputStream stdin, PrintWriter stdout,
            PrintWriter stderr) {
        CommandLine cmd = commandLine();
        cmd.setOut(stdout);
        cmd.setErr(stderr);
        PkauthCli cli = cmd.getCommand();
        cli.environment = environment;
        cli.stdin = stdin;
        cmd.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (e instanceof dev.pkauth.StoreReadOnlyException) {
                err.println("pkauth: " + e.getMessage() + ": make it writable by this user (SQLite: the file and its"
                        + " directory), or point --jdbc-url at a primary (PostgreSQL)");
                return UNAVAILABLE;
            }
            if (e instanceof StoreUnavailableException) {
                err.println("pkauth: store unavailable: " + e.getMessage());
                return UNAVAILABLE;
            }
            if (e instanceof dev.pkauth.KeyLimitExceededException) {
                err.println("pkauth: " + e.getMessage());
                return REJECTED;
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
                err.println("pkauth: " + e.getMessage());
                return USAGE;
            }
            if (e instanceof dev.pkauth.PkauthException) {
                err.println("pkauth: " + e.getMessage());
                return REJECTED;
            }
            err.println("pkauth: unexpected error: " + e);
            return REJECTED;
        });
        // A usage error is one line and where to read more, not the whole help.
        cmd.setParameterExceptionHandler((e, line) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("pkauth: " + e.getMessage());
            err.println("see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'");
            return USAGE;
        });
        try {
            return cmd.execute(args);
        } finally {
            cmd.getOut().flush();
            cmd.getErr().flush();
        }
    }

    /** Opens the key store named by the options, the environment, or the default. */
    ApiKeyStore open(boolean mayCreateDatabase) {
        // A one-shot command has nothing to cache: no cache, so no watcher thread holding a connection.
        return ApiKeyStore.builder().settings(settings(mayCreateDatabase, Map.of())).clock(clock)
                .cacheTtl(java.time.Duration.ZERO).build();
    }

    /** The options, then the environment, then the defaults; refuses a SQLite file that does not exist unless allowed. */
    Settings settings(boolean mayCreateDatabase, Map<String, String> more) {
        Map<String, String> given = new HashMap<>(more);
        if (jdbcUrl != null) given.put(Settings.JDBC_URL, jdbcUrl);
        if (table != null) given.put(Settings.TABLE, table);
        Settings settings = Settings.of(given).orElse(Settings.fromEnvironment(environment))
                .orElse(Settings.of(Map.of(Settings.JDBC_URL, DEFAULT_JDBC_URL)));
        String url = settings.get(Settings.JDBC_URL);
        if (!mayCreateDatabase && url.startsWith("jdbc:sqlite:")) {
            Path file = Path.of(url.substring("jdbc:sqlite:".length()).replaceFirst("^file:", "").replaceFirst("\\?.*$", ""));
            if (!Files.exists(file)) {
                throw new StoreUnavailableException("no database at " + file.toAbsolutePath()
                        + " (check --jdbc-url, or run 'pkauth migrate' to create it)", null);
            }
        }
        return settings;
    }

    private static final java.util.regex.Pattern SUCCESSOR =
            java.util.regex.Pattern.compile("\"successor\":\"(key_[A-Za-z0-9_-]{32})\"");

    /**
     * The successor of each rotated key among {@code keys}, from the audit log's {@code rotate}
     * entries. Only ended keys are looked up: rotating a key always revokes it or sets its expiry.
     */
    static Map<String, String> successors(ApiKeyStore store, List<ApiKey> keys) {
        Map<String, String> out = new HashMap<>();
        for (ApiKey k : keys) {
            if (k.revokedAt() == null && k.expiresAt() == null) continue;
            for (dev.pkauth.AuditEvent e : store.operations().auditLog(k.id(), null, null, 20, null)) {
                if (!"rotate".equals(e.action()) || e.detail() == null) continue;
                java.util.regex.Matcher m = SUCCESSOR.matcher(e.detail());
                if (m.find()) out.put(k.id(), m.group(1));
                break;
            }
        }
        return out;
    }

    abstract static class Base implements Callable<Integer> {
        @CommandLine.ParentCommand
        PkauthCli root;
        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        Instant now() {
            return root.clock.instant();
        }

        /**
         * Commands that hash a secret say once, shortly, when they use the public development
         * pepper (the store's own warning is kept out of the CLI, which would print it on every call).
         */
        void notePepper() {
            if (root.settings(true, Map.of()).raw(Settings.PEPPER) == null) {
                err().println("pkauth: note: PKAUTH_PEPPER is not set; using the public development pepper (not for production)");
            }
        }

        /** The store, recording this invocation's actor in the audit log. */
        ApiKeyStore as(ApiKeyStore store) {
            return store.withActor(root.actor());
        }

        int notFound(String id) {
            err().println("pkauth: no such key: " + id);
            return REJECTED;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Mint a key. The token alone goes to stdout (capture it: it is shown once); details to stderr.")
    static final class Create extends Base {
        @Option(names = "--user", required = true, paramLabel = "U", description = "owner's user id") String user;
        @Option(names = "--name", description = "label, such as CI") String name;
        @Option(names = "--scopes", split = ",", paramLabel = "a,b", description = "comma-separated scopes") List<String> scopes;
        @ArgGroup(exclusive = true) Expiry expiry;
        @Option(names = "--rate-limit", paramLabel = "N/D", description = "at most N requests per D: 100/1m") String rateLimit;
        @Option(names = "--credits", paramLabel = "N", description = "uses allowed; one per request") Long credits;
        @Option(names = "--refill", paramLabel = "N/D", description = "reset credits to N every D: 1000/30d") String refill;
        @Option(names = "--allow-ip", paramLabel = "CIDR,…", description = "client addresses it may be used from: 203.0.113.0/24,2001:db8::/32")
        String allowIp;
        @Option(names = "--metadata", paramLabel = "JSON", description = "a JSON object for your application: '{\"plan\":\"pro\"}'")
        String metadata;
        @Option(names = "--force", description = "mint even when the table's newest keys were hashed under another pepper")
        boolean force;

        static final class Expiry {
            @Option(names = "--expires-in", paramLabel = "D", description = "lifetime: 90d, 24h, 30m, 45s") String in;
            @Option(names = "--expires-at", paramLabel = "T", description = "instant, such as 2027-01-01T00:00:00Z") String at;
        }

        @Override
        public Integer call() {
            Instant expiresAt = expiry == null ? null : expiry.in != null ? now().plus(Settings.parseDuration(expiry.in)) : parseInstant(expiry.at);
            // Never a new database by accident: a mint into ./pkauth.db that the application never
            // reads exits 0 and leaves a key nobody can use. 'pkauth migrate' creates it.
            try (ApiKeyStore store = root.open(false)) {
                UsageLimits limits = new UsageLimits(rateLimit == null ? null : UsageLimits.RateLimit.parse(rateLimit),
                        credits, null);
                if (refill != null) limits = limits.withRefill(UsageLimits.Refill.parse(refill));
                KeySpec spec = KeySpec.of(name, scopes == null ? List.of() : scopes).expiresAt(expiresAt).limits(limits)
                        .metadata(metadata).allowedIps(allowIp == null ? null : IpAllowlist.parse(allowIp));
                notePepper();
                java.util.Set<String> foreign = store.operations().foreignPepperFingerprints();
                if (!foreign.isEmpty() && !force) {
                    // A key minted under a pepper the application lacks answers 401 there, and
                    // nothing says why: refuse, naming the fingerprints (never the peppers).
                    err().println("pkauth: refusing to mint: the newest keys in " + store.operations().location()
                            + " were hashed under pepper fingerprint " + String.join(", ", foreign)
                            + ", and this pepper is " + store.operations().pepperFingerprint()
                            + ". Set PKAUTH_PEPPER to the application's pepper (or add the old one to PKAUTH_PEPPER_PREVIOUS),"
                            + " or pass --force to mint under this one anyway");
                    return USAGE;
                }
                IssuedKey issued = as(store).create(user, spec);
                out().println(issued.token());
                out().flush();
                ApiKey k = issued.key();
                err().println("Created " + k.id() + " (" + k.prefix() + ") for " + k.userId()
                        + (k.scopes().isEmpty() ? ", no scopes" : ", scopes " + String.join(",", k.scopes()))
                        + (k.expiresAt() == null ? ", never expires" : ", expires " + k.expiresAt())
                        + " in " + store.operations().location() + ". The token above is shown only once.");
                return OK;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "A user's keys, newest first. Never shows a secret or hash.")
    static final class ListKeys extends Base {
        @Option(names = "--user", paramLabel = "U", description = "whose keys (or --all-users)") String user;
        @Option(names = "--all", description = "include revoked keys") boolean all;
        @Option(names = "--all-users", description = "keys of every user, in pages of --limit (default 100)") boolean allUsers;
        @Option(names = "--expiring-within", paramLabel = "D", description = "with --all-users: unrevoked keys expiring within D") String expiringWithin;
        @Option(names = "--unused-for", paramLabel = "D", description = "with --all-users: unrevoked keys unused for D") String unusedFor;
        @Option(names = "--revoked", description = "with --all-users: only revoked keys") boolean revoked;
        @Option(names = "--json", description = "JSON instead of a table") boolean json;
        @Option(names = "--limit", paramLabel = "N",
                description = "one page of at most N keys (1 to 500); the command for the next page is printed on stderr")
        Integer limit;
        @Option(names = "--after", paramLabel = "CURSOR", description = "the page after this cursor (from a previous --limit)")
        String after;

        @Override
        public Integer call() {
            if ((user == null) == !allUsers) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --user U, or --all-users");
            }
            if (!allUsers && (expiringWithin != null || unusedFor != null || revoked)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--expiring-within, --unused-for and --revoked go with --all-users");
            }
            try (ApiKeyStore store = root.open(false)) {
                List<ApiKey> keys;
                String next = null;
                if (allUsers) {
                    KeyQuery q = KeyQuery.allUsers().limit(limit == null ? 100 : limit).after(after)
                            .status(revoked ? ApiKey.Status.REVOKED : null)
                            .expiringWithin(expiringWithin == null ? null : Settings.parseDuration(expiringWithin))
                            .unusedFor(unusedFor == null ? null : Settings.parseDuration(unusedFor));
                    dev.pkauth.KeyPage page = store.operations().query(q);
                    Instant now = now();
                    Map<String, String> rotatedTo = successors(store, page.keys());
                    if (json) out().println(Output.json(page.keys().stream().map(k -> Output.key(k, now, rotatedTo)).toList()));
                    else if (!page.keys().isEmpty()) out().print(Output.table(page.keys(), now, true, rotatedTo));
                    err().printf("%,d key%s match; %d shown.%n", store.operations().count(q), store.operations().count(q) == 1 ? "" : "s", page.keys().size());
                    if (page.next() != null) {
                        err().println("More keys: add --after " + page.next());
                    }
                    return OK;
                }
                if (limit == null && after == null) {
                    keys = store.list(user, all);
                } else {
                    dev.pkauth.KeyPage page = store.list(user, all, limit == null ? 100 : limit, after);
                    keys = page.keys();
                    next = page.next();
                }
                Instant now = now();
                Map<String, String> rotatedTo = successors(store, keys);
                if (json) out().println(Output.json(keys.stream().map(k -> Output.key(k, now, rotatedTo)).toList()));
                else if (keys.isEmpty()) err().println("No " + (all ? "" : "active ") + "keys for " + user + ".");
                else out().print(Output.table(keys, now, false, rotatedTo));
                if (next != null) {
                    err().println("More keys: pkauth list --user " + user + (all ? " --all" : "") + " --limit "
                            + (limit == null ? 100 : limit) + " --after " + next);
                }
                return OK;
            }
        }
    }

    @Command(name = "limits", mixinStandardHelpOptions = true,
            description = "Change a key's usage limits; parts not named stay as they are. Prints the key.")
    static final class Limits extends Base {
        @Parameters(paramLabel = "ID", description = "the key's id (key_…)") String id;
        @ArgGroup(exclusive = true) Rate rate;
        @ArgGroup(exclusive = true) Credits credits;
        @ArgGroup(exclusive = true) RefillOption refill;

        static final class Rate {
            @Option(names = "--rate-limit", paramLabel = "N/D", description = "at most N requests per D: 100/1m") String limit;
            @Option(names = "--no-rate-limit", description = "remove the key's rate limit") boolean none;
        }

        static final class Credits {
            @Option(names = "--credits", paramLabel = "N", description = "set the credits left to N") Long amount;
            @Option(names = "--unlimited", description = "no credits: unlimited use (removes any refill)") boolean unlimited;
        }

        static final class RefillOption {
            @Option(names = "--refill", paramLabel = "N/D", description = "reset credits to N every D: 1000/30d") String refill;
            @Option(names = "--no-refill", description = "stop refilling") boolean none;
        }

        @Override
        public Integer call() {
            try (ApiKeyStore store = root.open(false)) {
                Optional<ApiKey> key = store.find(id);
                if (key.isEmpty()) return notFound(id);
                UsageLimits l = key.get().limits();
                UsageLimits.RateLimit r = rate == null ? l.rateLimit() : rate.none ? null : UsageLimits.RateLimit.parse(rate.limit);
                Long c = credits == null ? l.credits() : credits.unlimited ? null : credits.amount;
                UsageLimits.Refill f = refill == null ? l.refill() : refill.none ? null : UsageLimits.Refill.parse(refill.refill);
                if (c == null) f = null;
                UsageLimits next = new UsageLimits(r, c, null);
                if (f != null) next = next.withRefill(f);
                Optional<ApiKey> updated = as(store).limits(id, next);
                if (updated.isEmpty()) return notFound(id);
                out().print(Output.table(List.of(updated.get()), now()));
                return OK;
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One key's metadata.")
    static final class Show extends Base {
        @Parameters(paramLabel = "ID", description = "the key's id (key_…), as list prints it") String id;
        @Option(names = "--json", description = "JSON instead of a table") boolean json;

        @Override
        public Integer call() {
            try (ApiKeyStore store = root.open(false)) {
                Optional<ApiKey> key = store.find(id);
                if (key.isEmpty()) return notFound(id);
                Instant now = now();
                Map<String, String> rotatedTo = successors(store, List.of(key.get()));
                out().print(json ? Output.json(Output.key(key.get(), now, rotatedTo)) + "\n"
                        : Output.table(List.of(key.get()), now, false, rotatedTo));
                return OK;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a key now, and the keys it minted; rows stay for audit. Or every key of a user: --user U --all.")
    static final class Revoke extends Base {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "the key to revoke (key_…); the keys it minted are revoked with it") String id;
        @Option(names = "--user", paramLabel = "U", description = "with --all: the user whose keys to revoke") String user;
        @Option(names = "--all", description = "with --user: revoke every key of that user") boolean all;

        @Override
        public Integer call() {
            if ((id == null) == (user == null) || (user != null) != all) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give a key ID, or --user U --all");
            }
            try (ApiKeyStore store = root.open(false)) {
                if (user != null) {
                    int n = as(store).revokeAll(user);
                    err().println("Revoked " + n + " key" + (n == 1 ? "" : "s") + " of " + user + ".");
                    return OK;
                }
                if (as(store).revoke(id)) {
                    err().println("Revoked " + id + ".");
                    return OK;
                }
                if (store.find(id).isPresent()) {
                    err().println("pkauth: " + id + " was already revoked");
                    return REJECTED;
                }
                return notFound(id);
            }
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete a key's row for good; or, with --revoked-before D, every row revoked or expired more than D ago.")
    static final class Purge extends Base {
        @Parameters(paramLabel = "ID", arity = "0..1", description = "the key whose row to delete (key_…)") String id;
        @Option(names = "--revoked-before", paramLabel = "D", description = "retention: delete rows revoked or expired more than D ago (90d)")
        String before;
        @Option(names = "--dry-run", description = "say how many rows would go, change nothing") boolean dryRun;

        @Override
        public Integer call() {
            if ((id == null) == (before == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give a key ID, or --revoked-before D");
            }
            try (ApiKeyStore store = root.open(false)) {
                if (before != null) {
                    long n = as(store).operations().purgeEnded(Settings.parseDuration(before), dryRun,
                            total -> err().printf("  deleted %,d rows so far%n", total).flush());
                    err().printf(dryRun ? "Would delete %,d rows revoked or expired more than %s ago. Nothing changed.%n"
                            : "Deleted %,d rows revoked or expired more than %s ago.%n", n, before);
                    return OK;
                }
                if (!as(store).operations().purge(id)) return notFound(id);
                err().println("Purged " + id + ".");
                return OK;
            }
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Suspend a key, and the keys it minted, until 'enable': nothing is revoked.")
    static final class Disable extends Base {
        @Parameters(paramLabel = "ID", description = "the key to disable (key_…)") String id;

        @Override
        public Integer call() {
            try (ApiKeyStore store = root.open(false)) {
                if (as(store).disable(id)) {
                    err().println("Disabled " + id + " and the keys it minted.");
                    return OK;
                }
                if (store.find(id).isPresent()) {
                    err().println("pkauth: " + id + " is revoked or already disabled");
                    return REJECTED;
                }
                return notFound(id);
            }
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Lift a 'disable': the key and the keys it minted work again.")
    static final class Enable extends Base {
        @Parameters(paramLabel = "ID", description = "the key to enable (key_…)") String id;

        @Override
        public Integer call() {
            try (ApiKeyStore store = root.open(false)) {
                if (as(store).enable(id)) {
                    err().println("Enabled " + id + ".");
                    return OK;
                }
                if (store.find(id).isPresent()) {
                    err().println("pkauth: " + id + " was not disabled (or was disabled with the key that minted it)");
                    return REJECTED;
                }
                return notFound(id);
            }
        }
    }

    @Command(name = "sweep", mixinStandardHelpOptions = true,
            description = "Revoke keys not used for a while (never-used keys count from their creation), in batches.")
    static final class Sweep extends Base {
        @Option(names = "--unused-for", required = true, paramLabel = "D", description = "how long unused: 90d") String unusedFor;
        @Option(names = "--dry-run", description = "list what would be revoked, change nothing") boolean dryRun;

        @Override
        public Integer call() {
            java.time.Duration d = Settings.parseDuration(unusedFor);
            try (ApiKeyStore store = root.open(false)) {
                if (dryRun) {
                    KeyQuery q = KeyQuery.allUsers().unusedFor(d).limit(20);
                    long n = store.operations().count(q);
                    List<ApiKey> sample = store.operations().query(q).keys();
                    if (!sample.isEmpty()) out().print(Output.table(sample, now(), true));
                    err().printf("Would revoke %,d key%s unused for %s%s. Nothing changed.%n", n, n == 1 ? "" : "s", unusedFor,
                            n > sample.size() ? " (the newest " + sample.size() + " shown)" : "");
                    return OK;
                }
                long n = as(store).operations().sweepUnused(d, false, total -> err().printf("  revoked %,d keys so far%n", total).flush());
                err().printf("Revoked %,d key%s unused for %s.%n", n, n == 1 ? "" : "s", unusedFor);
                return OK;
            }
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Unrevoked, unexpired keys that need attention: outside the key policy, never expiring, "
                    + "unused for long, expiring soon. Reads every key, page by page, with progress on stderr.")
    static final class Report extends Base {
        @Option(names = "--unused-for", paramLabel = "D", defaultValue = "90d", description = "idle after D (default 90d)")
        String unusedFor;
        @Option(names = "--expiring-within", paramLabel = "D", defaultValue = "7d", description = "expiring soon: within D (default 7d)")
        String expiringWithin;
        @Option(names = "--json", description = "JSON instead of a table") boolean json;

        @Override
        public Integer call() {
            java.time.Duration idle = Settings.parseDuration(unusedFor);
            java.time.Duration soon = Settings.parseDuration(expiringWithin);
            try (ApiKeyStore store = root.open(false)) {
                dev.pkauth.KeyPolicy policy = store.operations().keyPolicy();
                Instant now = now();
                Map<String, Integer> counts = new java.util.LinkedHashMap<>();
                long read = 0;
                String after = null;
                boolean first = true;
                if (json) out().print("[");
                do {
                    // Printed page by page, so a report over millions of keys holds one page in memory.
                    List<Map<String, Object>> findings = new java.util.ArrayList<>();
                    dev.pkauth.KeyPage page = store.operations().query(KeyQuery.allUsers().limit(ApiKeyStore.MAX_PAGE_SIZE).after(after));
                    for (ApiKey k : page.keys()) {
                        if (k.statusAt(now) == ApiKey.Status.EXPIRED) continue;
                        String outside = policy.violation(k.createdAt().getEpochSecond(),
                                k.expiresAt() == null ? null : k.expiresAt().getEpochSecond(), k.limits(), k.scopes());
                        if (outside != null) finding(findings, counts, k, "outside-policy", outside);
                        if (k.expiresAt() == null) finding(findings, counts, k, "never-expires", "no expiry");
                        Instant last = k.lastUsedAt() != null ? k.lastUsedAt() : k.createdAt();
                        if (last.isBefore(now.minus(idle))) {
                            finding(findings, counts, k, "unused", (k.lastUsedAt() == null ? "never used, created " : "last used ")
                                    + Output.relative(last, now));
                        }
                        if (k.expiresAt() != null && k.expiresAt().isBefore(now.plus(soon))) {
                            finding(findings, counts, k, "expiring", "expires " + Output.relative(k.expiresAt(), now));
                        }
                    }
                    if (json) {
                        for (Map<String, Object> f : findings) {
                            out().print((first ? "\n" : ",\n") + Output.json(f));
                            first = false;
                        }
                    } else if (!findings.isEmpty()) {
                        List<String[]> rows = new java.util.ArrayList<>();
                        rows.add(new String[] {"ID", "USER", "FINDING", "DETAIL"});
                        for (Map<String, Object> f : findings) {
                            rows.add(new String[] {(String) f.get("key_id"), (String) f.get("user_id"), (String) f.get("finding"),
                                    (String) f.get("detail")});
                        }
                        String table = Output.align(rows);
                        out().print(first ? table : table.substring(table.indexOf('\n') + 1));
                        first = false;
                    }
                    read += page.keys().size();
                    after = page.next();
                    if (after != null && read % 10_000 < ApiKeyStore.MAX_PAGE_SIZE) err().printf("  read %,d keys%n", read).flush();
                } while (after != null);
                if (json) out().println(first ? "]" : "\n]");
                err().printf("Read %,d keys: %s.%n", read, counts.isEmpty() ? "nothing to report"
                        : String.join(", ", counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).toList()));
                return OK;
            }
        }

        private static void finding(List<Map<String, Object>> findings, Map<String, Integer> counts, ApiKey k, String what,
                String detail) {
            Map<String, Object> f = new java.util.LinkedHashMap<>();
            f.put("key_id", k.id());
            f.put("user_id", k.userId());
            f.put("finding", what);
            f.put("detail", detail);
            findings.add(f);
            counts.merge(what, 1, Integer::sum);
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Who changed which keys, and when: newest first.")
    static final class Audit extends Base {
        @Option(names = "--key", paramLabel = "ID", description = "one key's history") String key;
        @Option(names = "--user", paramLabel = "U", description = "one user's keys' history") String user;
        @Option(names = "--since", paramLabel = "D", description = "only the last D: 7d") String since;
        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "at most N events (default 100)") int limit;
        @Option(names = "--json", description = "JSON instead of a table") boolean json;

        @Override
        public Integer call() {
            try (ApiKeyStore store = root.open(false)) {
                List<dev.pkauth.AuditEvent> events = store.operations().auditLog(key, user,
                        since == null ? null : now().minus(Settings.parseDuration(since)), limit, null);
                if (json) {
                    out().println(Output.json(events.stream().map(Output::audit).toList()));
                } else if (!events.isEmpty()) {
                    out().print(Output.auditTable(events, now()));
                }
                err().println(events.size() + " event" + (events.size() == 1 ? "" : "s") + ".");
                return OK;
            }
        }
    }

    @Command(name = "refresh", mixinStandardHelpOptions = true, description = "Change an unrevoked key's expiry.")
    static final class Refresh extends Base {
        @Parameters(paramLabel = "ID", description = "the key whose expiry to change (key_…)") String id;
        @ArgGroup(exclusive = true, multiplicity = "1") Expiry expiry;

        static final class Expiry {
            @Option(names = "--expires-in", paramLabel = "D", description = "new lifetime from now: 90d, 24h") String in;
            @Option(names = "--no-expiry", description = "never expire") boolean never;
        }

        @Override
        public Integer call() {
            Instant expiresAt = expiry.never ? null : now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    .plus(Settings.parseDuration(expiry.in));
            try (ApiKeyStore store = root.open(false)) {
                Optional<ApiKey> key = as(store).refresh(id, expiresAt);
                if (key.isEmpty()) return notFound(id + " (or it is revoked)");
                Instant stored = key.get().expiresAt();
                err().println(id + (stored == null ? " never expires." : " expires " + stored + "."));
                return OK;
            }
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = "Mint a successor (same user, name, scopes; token alone on stdout); the old key expires after the overlap.")
    static final class Rotate extends Base {
        @Parameters(paramLabel = "ID", description = "the key to replace (key_…)") String id;
        @Option(names = "--overlap", defaultValue = "24h", paramLabel = "D",
                description = "how long the old key keeps working (default ${DEFAULT-VALUE}; 0s revokes it now)") String overlap;

        @Override
        public Integer call() {
            Duration d = Settings.parseDuration(overlap);
            try (ApiKeyStore store = root.open(false)) {
                notePepper();
                Optional<IssuedKey> issued = as(store).rotate(id, d);
                if (issued.isEmpty()) return notFound(id + " (or it is revoked)");
                out().println(issued.get().token());
                out().flush();
                err().println("Rotated " + id + " to " + issued.get().key().id() + "; the old key "
                        + (d.isZero() ? "is revoked now." : "works for " + overlap + " more.") + " The token above is shown only once.");
                return OK;
            }
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check a token: exit 0 and the principal as JSON, or exit 1 and the reason. Use - to read it from stdin (keeps it out of ps and shell history).")
    static final class Verify extends Base {
        @Parameters(paramLabel = "TOKEN", description = "the token (pk.key_….…), or - to read it from stdin") String token;

        @Override
        public Integer call() throws Exception {
            String presented = token.strip(); // a copied token often brings its newline along
            if ("-".equals(presented)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(root.stdin, StandardCharsets.US_ASCII));
                String line = in.readLine();
                presented = line == null ? "" : line.strip();
            }
            if (presented.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "empty input: give a token, or - to read one from stdin");
            }
            notePepper();
            try (ApiKeyStore store = root.open(false)) {
                Verification v = store.verify(presented);
                if (v instanceof Verification.Valid valid) {
                    out().println(Output.json(Output.principal(valid.principal())));
                    return OK;
                }
                Verification.Reason reason = ((Verification.Invalid) v).reason();
                err().println("invalid key: " + reason.name().toLowerCase(java.util.Locale.ROOT));
                if (reason == Verification.Reason.UNKNOWN_PEPPER) {
                    err().println("pkauth: this key was hashed under a pepper this process does not have: set PKAUTH_PEPPER"
                            + " (or PKAUTH_PEPPER_PREVIOUS) to the pepper of the application that minted it");
                }
                if (reason == Verification.Reason.MALFORMED && !presented.contains(".key_")
                        && root.settings(false, Map.of()).get(Settings.LEGACY_TOKENS) == null) {
                    err().println("pkauth: this is not a pkauth token; if it was imported from another system (pkauth import),"
                            + " set PKAUTH_LEGACY_TOKENS to its shape, such as ba_* or *");
                }
                return REJECTED;
            }
        }
    }

    @Command(name = "completion", mixinStandardHelpOptions = true,
            description = "Print a bash/zsh completion script: source <(java -jar pkauth-cli.jar completion)")
    static final class Completion implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(picocli.AutoComplete.bash("pkauth", spec.root().commandLine()));
            return OK;
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true, description = "Create the key table or upgrade it (idempotent).")
    static final class Migrate extends Base {
        @Override
        public Integer call() {
            Settings settings = root.settings(true, Map.of());
            root.open(true).close(); // opening the store creates or upgrades the table
            String url = settings.get(Settings.JDBC_URL);
            int q = url.indexOf('?');
            err().println("Schema ready: table " + settings.get(Settings.TABLE, "pkauth_api_keys") + " in "
                    + (q < 0 ? url : url.substring(0, q) + "?…") + ".");
            return OK;
        }
    }

    static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid instant \"" + text + "\": use ISO-8601 such as 2027-01-01T00:00:00Z");
        }
    }

    @Override
    public String toString() {
        return "PkauthCli" + Arrays.asList(jdbcUrl, table);
    }
}
