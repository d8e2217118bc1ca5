package dev.pkauth.testing;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ApiKeyStoreBuilder;
import java.nio.file.Path;

/** The three places a store can keep keys, for tests that run on each. */
public enum Backend {
    IN_MEMORY,
    SQLITE,
    POSTGRESQL;

    /**
     * A builder on this backend with a fresh table. {@code dir} holds the SQLite file.
     * Reopening the same database is {@link #builderFor(Path, String)} with the same table.
     */
    public ApiKeyStoreBuilder newBuilder(Path dir) {
        return builderFor(dir, PostgresSupport.uniqueTable("keys"));
    }

    public ApiKeyStoreBuilder builderFor(Path dir, String table) {
        return switch (this) {
            case IN_MEMORY -> ApiKeyStore.builder().inMemory();
            case SQLITE -> ApiKeyStore.builder().jdbcUrl(sqliteUrl(dir)).table(table);
            case POSTGRESQL -> {
                PostgresSupport.Connection pg = PostgresSupport.get();
                ApiKeyStoreBuilder b = ApiKeyStore.builder().jdbcUrl(pg.jdbcUrl()).table(table);
                if (pg.user() != null) b.credentials(pg.user(), pg.password());
                yield b;
            }
        };
    }

    /**
     * A builder on the same database that refuses every write: SQLite opened {@code mode=ro}, a
     * PostgreSQL session with {@code default_transaction_read_only} (as on a standby). Tests run as
     * root here, so file permissions could not show it.
     */
    public ApiKeyStoreBuilder readOnlyBuilderFor(Path dir, String table) {
        return switch (this) {
            case IN_MEMORY -> throw new UnsupportedOperationException("memory is never read-only");
            case SQLITE -> ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:file:" + dir.resolve("keys.db") + "?mode=ro")
                    .table(table).migrate(false);
            case POSTGRESQL -> {
                PostgresSupport.Connection pg = PostgresSupport.get();
                String url = pg.jdbcUrl() + (pg.jdbcUrl().contains("?") ? "&" : "?")
                        + "options=-c%20default_transaction_read_only%3Don";
                ApiKeyStoreBuilder b = ApiKeyStore.builder().jdbcUrl(url).table(table).migrate(false);
                if (pg.user() != null) b.credentials(pg.user(), pg.password());
                yield b;
            }
        };
    }

    public static String sqliteUrl(Path dir) {
        return "jdbc:sqlite:" + dir.resolve("keys.db");
    }
}
