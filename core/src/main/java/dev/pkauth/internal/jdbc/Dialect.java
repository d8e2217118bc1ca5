package dev.pkauth.internal.jdbc;

import java.util.Locale;
import java.util.Optional;

/** The SQL spoken by a backend. */
public enum Dialect {
    SQLITE("INTEGER"),
    POSTGRESQL("BIGINT");

    /** The column type of a Unix-seconds integer. */
    final String integer;

    Dialect(String integer) {
        this.integer = integer;
    }

    public static Optional<Dialect> ofUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) return Optional.of(SQLITE);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return Optional.of(POSTGRESQL);
        return Optional.empty();
    }

    public static Optional<Dialect> ofProductName(String product) {
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("sqlite")) return Optional.of(SQLITE);
        if (p.contains("postgres")) return Optional.of(POSTGRESQL);
        return Optional.empty();
    }
}
