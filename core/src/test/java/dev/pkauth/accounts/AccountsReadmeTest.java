package dev.pkauth.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Readme;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's account-store snippet runs here, and the README shows exactly this code. */
class AccountsReadmeTest {
    @TempDir
    Path dir;

    @Test
    void theAccountsExampleRuns() {
        String jdbcUrl = "jdbc:sqlite:" + dir.resolve("app.db");
        String accountKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        Instant expiresAt = Instant.now().plusSeconds(3600);
        // README:accounts:start
        try (AccountStore accounts = AccountStore.builder()
                .jdbcUrl(jdbcUrl)                          // the same database as the keys, or another
                .encryptionKey(accountKey)                 // PKAUTH_ACCOUNT_KEY: openssl rand -base64 32
                .build()) {
            accounts.link(AccountLink.of("alice", "github", "583231")
                    .accessToken("gho_16C7e42F292c6912E7710c838347Ae178B4a", expiresAt)
                    .scope("read:user")
                    .build());                             // linking again refreshes tokens, keeps the id
            accounts.link(AccountLink.of("alice", "credential", "alice")
                    .passwordHash("$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy")
                    .build());                             // a bcrypt or Argon2 hash, never a password

            Optional<LinkedAccount> github = accounts.find("github", "583231");
            List<LinkedAccount> linked = accounts.list("alice");   // credential, github
            accounts.unlink("github", "583231");                   // true once, false after
            // README:accounts:end
            assertThat(github).get().extracting(LinkedAccount::accessToken).isEqualTo("gho_16C7e42F292c6912E7710c838347Ae178B4a");
            assertThat(linked).extracting(LinkedAccount::providerId).containsExactly("credential", "github");
        }
        Readme.assertShows(AccountsReadmeTest.class, "accounts");
    }
}
