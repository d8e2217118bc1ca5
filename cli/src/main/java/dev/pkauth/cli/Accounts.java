package dev.pkauth.cli;

import dev.pkauth.Settings;
import dev.pkauth.accounts.AccountStore;
import dev.pkauth.accounts.AccountSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pkauth accounts …}: the linked-accounts table. Never prints a token or password hash. */
@Command(name = "accounts", mixinStandardHelpOptions = true, description = "Linked accounts (OAuth and credential links per user).",
        subcommands = {Accounts.ListAccounts.class, CommandLine.HelpCommand.class})
final class Accounts {
    @CommandLine.ParentCommand
    PkauthCli root;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "A user's linked accounts: provider, account id, scope, expiries; never tokens or hashes.")
    static final class ListAccounts implements Callable<Integer> {
        @CommandLine.ParentCommand
        Accounts accounts;
        @Spec
        CommandSpec spec;
        @Option(names = "--user", required = true, paramLabel = "U", description = "whose linked accounts") String user;
        @Option(names = "--json", description = "JSON instead of a table") boolean json;
        @Option(names = "--accounts-table", paramLabel = "T",
                description = "accounts table (default: $PKAUTH_ACCOUNT_TABLE, else pkauth_accounts)") String table;

        @Override
        public Integer call() {
            PkauthCli root = accounts.root;
            Settings settings = root.settings(false, table == null ? Map.of() : Map.of(Settings.ACCOUNT_TABLE, table));
            try (AccountStore store = AccountStore.builder().settings(settings).build()) {
                // Summaries: no token is decrypted, so no account key is needed to look.
                List<AccountSummary> list = store.summaries(user);
                if (json) {
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (AccountSummary a : list) out.add(view(a));
                    spec.commandLine().getOut().println(Output.json(out));
                } else if (list.isEmpty()) {
                    spec.commandLine().getErr().println("No linked accounts for " + user + ".");
                } else {
                    spec.commandLine().getOut().print(table(list, root.clock.instant()));
                }
                return PkauthCli.OK;
            }
        }
    }

    static Map<String, Object> view(AccountSummary a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("user_id", a.userId());
        m.put("provider_id", a.providerId());
        m.put("account_id", a.accountId());
        m.put("scope", a.scope());
        m.put("has_access_token", a.hasAccessToken());
        m.put("has_refresh_token", a.hasRefreshToken());
        m.put("has_id_token", a.hasIdToken());
        m.put("has_password", a.hasPassword());
        m.put("access_token_expires_at", a.accessTokenExpiresAt() == null ? null : a.accessTokenExpiresAt().toString());
        m.put("created_at", a.createdAt().toString());
        m.put("updated_at", a.updatedAt().toString());
        return m;
    }

    static String table(List<AccountSummary> list, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ID", "PROVIDER", "ACCOUNT", "SCOPE", "TOKENS", "ACCESS EXPIRES", "UPDATED"});
        for (AccountSummary a : list) {
            String tokens = (a.hasAccessToken() ? "access " : "") + (a.hasRefreshToken() ? "refresh " : "")
                    + (a.hasIdToken() ? "id " : "") + (a.hasPassword() ? "password" : "");
            rows.add(new String[] {a.id(), a.providerId(), a.accountId(), a.scope() == null ? "-" : a.scope(),
                tokens.isBlank() ? "-" : tokens.strip(),
                a.accessTokenExpiresAt() == null ? "-" : Output.relative(a.accessTokenExpiresAt(), now),
                Output.relative(a.updatedAt(), now)});
        }
        return Output.align(rows);
    }
}
