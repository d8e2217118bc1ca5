package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Security review finding 4: every change to the table reaches every process's cache, whoever
 * makes it, per id; and the SQLite cache is no longer emptied by unrelated writes.
 */
class RevocationWithoutGapsTest {
    @TempDir
    Path dir;

    /** A second "process": the same table through another pool, in no cache group with the first. */
    static ApiKeyStore otherProcess(TestDatabase db, Duration ttl) {
        String url = db.backend() == Backend.SQLITE
                ? db.jdbcUrl().replace("keys.db", "./keys.db")
                : db.jdbcUrl() + (db.jdbcUrl().contains("?") ? "&" : "?") + "ApplicationName=other";
        ApiKeyStoreBuilder b = ApiKeyStore.builder().jdbcUrl(url).table(db.table()).pepper(db.pepper())
                .cacheTtl(ttl).touchInterval(Duration.ZERO).executor(Runnable::run);
        if (db.user() != null) b.credentials(db.user(), db.password());
        return b.build();
    }

    void sql(TestDatabase db, String statement, String id) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(statement)) {
            ps.setString(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aRevocationTypedInSqlReachesACachingProcess(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        try (ApiKeyStore app = db.builder().cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey revoked = app.create("alice", null, List.of(), null);
            IssuedKey deleted = app.create("alice", null, List.of(), null);
            assertThat(app.verify(revoked.token()).isValid()).isTrue();
            assertThat(app.verify(deleted.token()).isValid()).isTrue();

            sql(db, "UPDATE " + db.table() + " SET revoked_at = 1 WHERE id = ?", revoked.key().id());
            sql(db, "DELETE FROM " + db.table() + " WHERE id = ?", deleted.key().id());

            assertThat(VerificationCacheTest.awaitInvalid(app, revoked.token())).isLessThan(5_000);
            assertThat(VerificationCacheTest.awaitInvalid(app, deleted.token())).isLessThan(5_000);
            assertThat(((Verification.Invalid) app.verify(revoked.token())).reason()).isEqualTo(Verification.Reason.REVOKED);
        }
    }

    /** PostgreSQL's TRUNCATE fires no row trigger; SQLite has none (a DELETE of every row fires its triggers). */
    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aTableEmptiedInSqlReachesACachingProcess(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        try (ApiKeyStore app = db.builder().cacheTtl(Duration.ofHours(1)).build()) {
            IssuedKey a = app.create("alice", null, List.of(), null);
            IssuedKey b = app.create("bob", null, List.of(), null);
            assertThat(app.verify(a.token()).isValid()).isTrue();
            assertThat(app.verify(b.token()).isValid()).isTrue();

            try (Connection c = db.connect(); java.sql.Statement s = c.createStatement()) {
                s.execute((backend == Backend.POSTGRESQL ? "TRUNCATE " : "DELETE FROM ") + db.table());
            }

            VerificationCacheTest.awaitInvalid(app, a.token());
            VerificationCacheTest.awaitInvalid(app, b.token());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void aCascadingRevocationReachesAnotherProcessForEveryDescendant(Backend backend) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        try (ApiKeyStore app = db.builder().cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore cli = otherProcess(db, Duration.ZERO)) {
            IssuedKey parent = app.create("alice", null, List.of("keys:write"), null);
            ApiKeyPrincipal p = ((Verification.Valid) app.verify(parent.token())).principal();
            IssuedKey child = app.create(p, null, List.of(), null);
            assertThat(app.verify(child.token()).isValid()).isTrue();

            assertThat(cli.revoke(parent.key().id())).isTrue();

            assertThat(VerificationCacheTest.awaitInvalid(app, child.token())).isLessThan(5_000);
        }
    }

    /**
     * Before: any commit on SQLite (pkauth's own last_used_at writes included) emptied the whole
     * cache of every other process. Now only the changed key is dropped.
     */
    @Test
    void lastUsedWritesOfAnotherProcessDoNotEmptyTheSqliteCache() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore app = db.builder().cacheTtl(Duration.ofHours(1)).build();
             ApiKeyStore other = otherProcess(db, Duration.ZERO)) {
            IssuedKey hot = app.create("alice", null, List.of(), null);
            IssuedKey usedElsewhere = app.create("bob", null, List.of(), null);
            IssuedKey revokedElsewhere = app.create("carol", null, List.of(), null);
            assertThat(app.verify(hot.token()).isValid()).isTrue();
            assertThat(app.verify(revokedElsewhere.token()).isValid()).isTrue();

            for (int i = 0; i < 5; i++) {
                assertThat(other.verify(usedElsewhere.token()).isValid()).isTrue();
                other.flush(); // a last_used_at write, committed by another connection
            }
            other.revoke(revokedElsewhere.key().id());
            // The watcher has seen everything up to the revocation once the app sees it.
            assertThat(VerificationCacheTest.awaitInvalid(app, revokedElsewhere.token())).isLessThan(5_000);
            long missesBefore = app.cacheMisses();

            assertThat(app.verify(hot.token()).isValid()).isTrue();

            assertThat(app.cacheMisses()).as("the hot key was still cached").isEqualTo(missesBefore);
            assertThat(other.find(usedElsewhere.key().id()).orElseThrow().lastUsedAt()).isNotNull();
        }
    }
}
