package dev.pkauth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "use the store from code" snippet runs here, and the README shows exactly this code. */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void theStoreExampleRuns() throws Exception {
        String jdbcUrl = "jdbc:sqlite:" + dir.resolve("keys.db");
        // README:store:start
        try (ApiKeyStore store = ApiKeyStore.builder()
                .jdbcUrl(jdbcUrl)                       // or .dataSource(ds), or .inMemory()
                .pepper("a-long-random-server-secret")  // in production: System.getenv("PKAUTH_PEPPER")
                .build()) {
            IssuedKey issued = store.create("alice", "CI", List.of("docs:read"), null);
            String token = issued.token();              // show it once; only its HMAC is stored

            Verification result = store.verify(token);
            if (result instanceof Verification.Valid valid) {
                ApiKeyPrincipal who = valid.principal();
                assert who.getName().equals("alice") && who.hasScope("docs:read");
            }

            store.rotate(issued.key().id(), Duration.ofHours(24)); // new key; old one works 24 h more
            store.revoke(issued.key().id());                        // fails everywhere from now on
        }
        // README:store:end
    }

    @Test
    void theReadmeShowsTheExampleVerbatim() {
        dev.pkauth.testing.Readme.assertShows(ReadmeExampleTest.class, "store");
    }
}
