package dev.pkauth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data made by other systems, committed under {@code testing/fixtures/} with the scripts that
 * made it: a better-auth database written by better-auth itself, hashes made by Argon2 and bcrypt
 * implementations other than pkauth's. Found from any module's working directory.
 */
public final class Fixtures {
    private Fixtures() {}

    /** The better-auth database, written by better-auth 1.7.21 and its api-key plugin (make.mjs beside it). */
    public static final String BETTER_AUTH_DB = "better-auth/better-auth.sqlite";
    /** The tokens better-auth minted into it: label, id, user_id, key, better_auth_valid. */
    public static final String BETTER_AUTH_TOKENS = "better-auth/tokens.tsv";
    /** Keys hashed by hash-wasm's Argon2, bcryptjs and SHA-256: scheme, id, token, secret_hash. */
    public static final String FOREIGN_HASHES = "foreign-hashes/foreign-hashes.tsv";

    /** A fixture file, by its path under {@code testing/fixtures/}. */
    public static Path file(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("testing/fixtures").resolve(relative);
            if (Files.exists(candidate)) return candidate;
        }
        throw new IllegalStateException("no fixture testing/fixtures/" + relative + " above " + dir);
    }

    /** The rows of a tab-separated fixture with a header line, each a map from column to value. */
    public static List<Map<String, String>> rows(String relative) {
        try {
            List<String> lines = Files.readAllLines(file(relative), StandardCharsets.UTF_8);
            String[] header = lines.get(0).split("\t", -1);
            List<Map<String, String>> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isEmpty()) continue;
                String[] cells = line.split("\t", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) row.put(header[i], cells[i]);
                out.add(row);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The row of {@code relative} whose {@code column} is {@code value}. */
    public static Map<String, String> row(String relative, String column, String value) {
        return rows(relative).stream().filter(r -> value.equals(r.get(column))).findFirst()
                .orElseThrow(() -> new IllegalStateException("no row with " + column + " = " + value + " in " + relative));
    }
}
