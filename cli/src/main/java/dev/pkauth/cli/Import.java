package dev.pkauth.cli;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ImportResult;
import dev.pkauth.ImportedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pkauth import}: another system's keys into this store, with their hashes, so the tokens
 * already handed out keep working; each becomes a pkauth key on its first verified use.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Copy another system's keys in with their hashes (never a plaintext), so its tokens keep working."
                + " Idempotent: keys imported before are skipped. Progress and the summary go to stderr.",
            "better-auth and unkey read their table over --source-jdbc-url (SQLite and PostgreSQL drivers ship with"
                + " pkauth), or a CSV export of it given as FILE; csv and json read FILE in pkauth's import format"
                + " (see the README). Tokens without a pkauth id (better-auth's, Unkey's) verify once their shape is"
                + " declared with PKAUTH_LEGACY_TOKENS, such as ba_* or *."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every key imported or already there", "1:some keys refused (listed)", "2:usage error",
            "3:store unavailable"})
final class Import extends PkauthCli.Base {
    @Option(names = "--from", required = true, paramLabel = "SOURCE", description = "better-auth, unkey, csv or json")
    String from;

    @Option(names = "--source-jdbc-url", paramLabel = "URL", description = "the source system's database (better-auth, unkey)")
    @Nullable String sourceJdbcUrl;

    @Option(names = "--source-table", paramLabel = "TABLE", description = "the source table (default: apikey for better-auth, keys for unkey)")
    @Nullable String sourceTable;

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "a CSV or JSON file to read instead of a database")
    @Nullable Path file;

    @Option(names = "--dry-run", description = "report what would be imported; change nothing")
    boolean dryRun;

    @Option(names = "--json", description = "print the summary as JSON on stdout")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ImportSources.Kind kind = ImportSources.Kind.of(from);
        try (ImportSources.CloseableRows rows = open(kind); ApiKeyStore store = root.open(false)) {
            List<ImportResult.Refusal> unmapped = new ArrayList<>();
            Iterable<ImportedKey> keys = () -> mapped(rows.rows(), kind, unmapped);
            ImportResult r = as(store).operations().importKeys(kind.source, keys, dryRun,
                    p -> err().printf("  read %,d keys: %,d %s, %,d already there, %,d refused%n", p.total() + unmapped.size(),
                            p.imported(), dryRun ? "to import" : "imported", p.skipped(), p.refused().size() + unmapped.size())
                            .flush());
            List<ImportResult.Refusal> refused = new ArrayList<>(unmapped);
            refused.addAll(r.refused());
            report(kind, new ImportResult(r.imported(), r.skipped(), refused));
            return refused.isEmpty() ? PkauthCli.OK : PkauthCli.REJECTED;
        }
    }

    private ImportSources.CloseableRows open(ImportSources.Kind kind) throws Exception {
        if (file != null && sourceJdbcUrl != null) throw new IllegalArgumentException("give FILE or --source-jdbc-url, not both");
        if (sourceJdbcUrl != null) {
            if (kind.defaultTable == null) {
                throw new IllegalArgumentException("--from " + kind.source + " reads a FILE; --source-jdbc-url is for better-auth and unkey");
            }
            try {
                return ImportSources.jdbc(sourceJdbcUrl, sourceTable != null ? sourceTable : kind.defaultTable);
            } catch (java.sql.SQLException e) {
                throw new dev.pkauth.StoreUnavailableException("cannot read the source database: " + e.getMessage(), null);
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("--from " + kind.source + " needs a FILE"
                    + (kind.defaultTable != null ? " (a CSV export of its table) or --source-jdbc-url" : ""));
        }
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        return kind == ImportSources.Kind.JSON ? ImportSources.json(file) : ImportSources.csv(file);
    }

    /** The source's rows as keys; a row its mapping refuses is set aside in {@code unmapped}, and the next one read. */
    private static Iterator<ImportedKey> mapped(Iterator<ImportSources.Row> rows, ImportSources.Kind kind,
            List<ImportResult.Refusal> unmapped) {
        return new Iterator<>() {
            @Nullable ImportedKey next;

            @Override
            public boolean hasNext() {
                while (next == null && rows.hasNext()) {
                    try {
                        next = kind.map.apply(rows.next());
                    } catch (ImportSources.RowRefused e) {
                        unmapped.add(new ImportResult.Refusal(e.sourceId, String.valueOf(e.getMessage())));
                    }
                }
                return next != null;
            }

            @Override
            public ImportedKey next() {
                if (!hasNext()) throw new NoSuchElementException();
                ImportedKey k = next;
                next = null;
                return k;
            }
        };
    }

    private void report(ImportSources.Kind kind, ImportResult r) {
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("source", kind.source);
            out.put("dry_run", dryRun);
            out.put("imported", r.imported());
            out.put("skipped", r.skipped());
            out.put("refused", r.refused().stream().map(f -> Map.of("source_id", f.sourceId(), "reason", f.reason())).toList());
            out().println(Output.json(out));
        }
        err().printf("%s %,d key%s from %s; %,d already there; %,d refused%s%n", dryRun ? "Would import" : "Imported",
                r.imported(), r.imported() == 1 ? "" : "s", kind.source, r.skipped(), r.refused().size(),
                r.refused().isEmpty() ? "." : ":");
        for (ImportResult.Refusal f : r.refused()) err().printf("  %s: %s%n", f.sourceId(), f.reason());
        if (dryRun) err().println("Nothing changed (dry run).");
        if (r.imported() > 0 && (kind == ImportSources.Kind.BETTER_AUTH || kind == ImportSources.Kind.UNKEY)) {
            err().println("Their tokens carry no pkauth id: every service that verifies them needs PKAUTH_LEGACY_TOKENS"
                    + " set to their shape (such as ba_* for prefix ba_, or * for no prefix).");
        }
    }
}
