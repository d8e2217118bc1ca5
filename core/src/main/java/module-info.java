/**
 * pkauth-core: API keys minted, verified and managed by {@link dev.pkauth.ApiKeyStore} on SQLite
 * or PostgreSQL; the framework-neutral HTTP decision in {@code dev.pkauth.http}; linked accounts
 * in {@code dev.pkauth.accounts}. The engine ({@code dev.pkauth.internal.*}) is not exported.
 */
module dev.pkauth {
    requires transitive java.sql;
    requires transitive org.jspecify;
    requires org.slf4j;
    requires com.zaxxer.hikari;
    requires com.github.benmanes.caffeine;
    // Argon2 and bcrypt, for imported keys' first verification.
    requires org.bouncycastle.provider;
    // Fetches the published signing keys of leak reporters (GitHub, GitLab).
    requires java.net.http;
    // Optional at run time: only an application that gives the builder a MeterRegistry needs it.
    requires static micrometer.core;
    // The embedded default and the shared backend: both ship with pkauth-core (see the README),
    // and DriverManager finds them only if they are in the module graph.
    requires org.xerial.sqlitejdbc;
    requires org.postgresql.jdbc;

    exports dev.pkauth;
    exports dev.pkauth.http;
    exports dev.pkauth.accounts;
}
