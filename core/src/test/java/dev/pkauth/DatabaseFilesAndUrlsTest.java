package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SQLite database pkauth creates is its owner's alone; a JDBC URL's password never reaches a message. */
class DatabaseFilesAndUrlsTest {
    @TempDir
    Path dir;

    @Test
    void aNewSqliteDatabaseAndItsWalFilesAreReadableByTheOwnerOnly() throws Exception {
        Path db = dir.resolve("keys.db");
        try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + db).pepper("files-pepper").build()) {
            store.create("alice", null, List.of(), null);
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            assertThat(Files.getPosixFilePermissions(db)).isEqualTo(ownerOnly);
            for (String suffix : List.of("-wal", "-shm")) {
                Path side = dir.resolve("keys.db" + suffix);
                if (Files.exists(side)) assertThat(Files.getPosixFilePermissions(side)).as(suffix).isEqualTo(ownerOnly);
            }
            assertThat(Files.exists(dir.resolve("keys.db-wal"))).as("WAL mode: the -wal file was checked").isTrue();
        }
    }

    @Test
    void openingAStoreLogsOneInfoLineNamingWhereAndWhichPepperButNoSecret() {
        Path db = dir.resolve("keys.db");
        try (dev.pkauth.testing.Logs logs = dev.pkauth.testing.Logs.capture()) {
            ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + db).table("my_keys").pepper("the-pepper-value-0123456789abcdef")
                    .build().close();
            assertThat(logs.lines()).filteredOn(l -> l.contains("opened key store")).singleElement().satisfies(l -> assertThat(l)
                    .startsWith("INFO ")
                    .contains("on jdbc:sqlite:" + db.toAbsolutePath(), "table my_keys",
                            "pepper fingerprint " + dev.pkauth.internal.token.SecretHasher.fingerprint("the-pepper-value-0123456789abcdef"),
                            "cache ttl", "keys per user", "failed-auth limit")
                    .doesNotContain("the-pepper-value"));
        }
    }

    @Test
    void anExistingDatabaseKeepsThePermissionsItsOperatorGaveIt() throws Exception {
        Path db = Files.createFile(dir.resolve("shared.db"));
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-rw----"));
        ApiKeyStore.builder().jdbcUrl("jdbc:sqlite:" + db).pepper("files-pepper").build().close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-rw----");
    }

    @Test
    void aUserAndPasswordBeforeTheHostAreRefusedNamingTheSettingsToUse() {
        assertThatThrownBy(() -> ApiKeyStore.builder().jdbcUrl("jdbc:postgresql://alice:hunter2-secret@db/keys")
                        .pepper("p").build())
                .hasMessage("the JDBC URL jdbc:postgresql://…@db/keys holds a user and password before the host: set them "
                        + "as PKAUTH_JDBC_USER and PKAUTH_JDBC_PASSWORD (jdbc-user, jdbc-password) instead");
    }

    @Test
    void aPasswordWrittenInTheUrlIsNeverEchoed() {
        // Port 1 on loopback: nothing listens, so the driver fails and pkauth says why.
        for (String url : List.of("jdbc:postgresql://alice:hunter2-secret@127.0.0.1:1/keys",
                "jdbc:postgresql://alice:hunter2-secret@no-such-host.invalid/keys",
                "jdbc:postgresql://127.0.0.1:1/keys?user=alice&password=hunter2-secret",
                "jdbc:postgresql://no-such-host.invalid/keys?password=hunter2-secret",
                "jdbc:postgresql:///keys?password=hunter2-secret&sslmode=bogus")) {
            assertThatThrownBy(() -> ApiKeyStore.builder().jdbcUrl(url).pepper("p").build().close())
                    .as(url)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"))
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
                        }
                    });
        }
    }
}
