package dev.pkauth.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account store's behaviour, the same on every backend. */
abstract class AccountStoreContract {
    static final String BCRYPT = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
    static final String ARGON2 = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A";

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    AccountStore accounts;

    abstract AccountStore.Builder builder();

    @BeforeEach
    void open() {
        accounts = builder().clock(clock).build();
    }

    @AfterEach
    void close() {
        accounts.close();
    }

    @Test
    void aLinkedAccountIsFoundWithItsTokens() {
        Instant expires = clock.instant().plus(Duration.ofHours(1));
        LinkedAccount linked = accounts.link(AccountLink.of("alice", "github", "583231")
                .accessToken("gho_access", expires).refreshToken("ghr_refresh").idToken("eyJ.id.token").scope("read:user").build());

        LinkedAccount found = accounts.find("github", "583231").orElseThrow();
        assertThat(found).isEqualTo(linked);
        assertThat(found.id()).startsWith("acc_");
        assertThat(found.userId()).isEqualTo("alice");
        assertThat(found.accessToken()).isEqualTo("gho_access");
        assertThat(found.refreshToken()).isEqualTo("ghr_refresh");
        assertThat(found.idToken()).isEqualTo("eyJ.id.token");
        assertThat(found.accessTokenExpiresAt()).isEqualTo(expires);
        assertThat(found.scope()).isEqualTo("read:user");
        assertThat(found.createdAt()).isEqualTo(clock.instant()).isEqualTo(found.updatedAt());
        assertThat(accounts.find("github", "other")).isEmpty();
        assertThat(accounts.find("google", "583231")).isEmpty();
    }

    @Test
    void oneUserCanLinkSeveralProviders() {
        accounts.link(AccountLink.of("alice", "google", "g-1").build());
        accounts.link(AccountLink.of("alice", "github", "gh-1").build());
        accounts.link(AccountLink.of("alice", "credential", "alice").passwordHash(BCRYPT).build());
        accounts.link(AccountLink.of("bob", "github", "gh-2").build());

        assertThat(accounts.list("alice")).extracting(LinkedAccount::providerId).containsExactly("credential", "github", "google");
        assertThat(accounts.list("bob")).hasSize(1);
        assertThat(accounts.list("nobody")).isEmpty();
    }

    @Test
    void linkingAgainRefreshesTokensButKeepsTheIdAndCreationTime() {
        LinkedAccount first = accounts.link(AccountLink.of("alice", "github", "583231").accessToken("old").scope("a").build());
        clock.advance(Duration.ofMinutes(5));

        LinkedAccount second = accounts.link(AccountLink.of("alice", "github", "583231").accessToken("new").scope("a b").build());

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(second.updatedAt()).isEqualTo(clock.instant());
        assertThat(second.accessToken()).isEqualTo("new");
        assertThat(second.scope()).isEqualTo("a b");
        assertThat(accounts.find("github", "583231")).contains(second);
    }

    @Test
    void anIdentityOfAnotherUserMovesOnlyByAnExplicitRelink() {
        LinkedAccount first = accounts.link(AccountLink.of("alice", "github", "583231").accessToken("old").scope("a").build());
        clock.advance(Duration.ofMinutes(5));

        assertThatThrownBy(() -> accounts.link(AccountLink.of("mallory", "github", "583231").accessToken("evil").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("relink");
        assertThat(accounts.find("github", "583231").orElseThrow().accessToken()).as("untouched").isEqualTo("old");

        LinkedAccount second = accounts.relink(AccountLink.of("alice2", "github", "583231").accessToken("new").scope("a b").build());

        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(second.updatedAt()).isEqualTo(clock.instant());
        assertThat(second.accessToken()).isEqualTo("new");
        assertThat(second.scope()).isEqualTo("a b");
        assertThat(second.userId()).isEqualTo("alice2");
        assertThat(accounts.find("github", "583231")).contains(second);
        assertThat(accounts.list("alice")).isEmpty();
        assertThat(accounts.listAll(null, 10)).hasSize(1);
    }

    @Test
    void unlinkIsTrueOnceThenFalse() {
        accounts.link(AccountLink.of("alice", "github", "583231").build());
        assertThat(accounts.unlink("github", "583231")).isTrue();
        assertThat(accounts.unlink("github", "583231")).isFalse();
        assertThat(accounts.find("github", "583231")).isEmpty();
    }

    @Test
    void thePasswordColumnRoundTripsHashesAndRefusesPlaintext() {
        accounts.link(AccountLink.of("alice", "credential", "alice").passwordHash(BCRYPT).build());
        accounts.link(AccountLink.of("bob", "credential", "bob").passwordHash(ARGON2).build());
        assertThat(accounts.find("credential", "alice").orElseThrow().passwordHash()).isEqualTo(BCRYPT);
        assertThat(accounts.find("credential", "bob").orElseThrow().passwordHash()).isEqualTo(ARGON2);

        for (String plaintext : List.of("hunter2", "correct horse battery staple", "$2b$10$short", "$argon2id$nope")) {
            assertThatThrownBy(() -> accounts.link(AccountLink.of("carol", "credential", "carol").passwordHash(plaintext).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hash").hasMessageNotContaining(plaintext);
        }
        assertThat(accounts.find("credential", "carol")).isEmpty();
    }

    @Test
    void listAllPagesThroughEveryAccountOnce() {
        for (int i = 0; i < 7; i++) accounts.link(AccountLink.of("u" + i, "github", "a" + i).build());
        List<String> seen = new ArrayList<>();
        String after = null;
        List<LinkedAccount> page;
        do {
            page = accounts.listAll(after, 3);
            page.forEach(a -> seen.add(a.id()));
            after = page.isEmpty() ? after : page.get(page.size() - 1).id();
        } while (page.size() == 3);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates().isSorted();
        assertThatThrownBy(() -> accounts.listAll(null, 0)).hasMessageContaining("limit");
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> accounts.link(AccountLink.of("", "github", "1").build())).hasMessageContaining("user id");
        assertThatThrownBy(() -> accounts.link(AccountLink.of("a", " ", "1").build())).hasMessageContaining("provider id");
        assertThatThrownBy(() -> accounts.link(AccountLink.of("a", "github", "x".repeat(256)).build())).hasMessageContaining("account id");
    }

    @Test
    void toStringsNeverShowTokensOrHashes() {
        AccountLink link = AccountLink.of("alice", "credential", "alice").accessToken("secret-access").refreshToken("secret-refresh")
                .passwordHash(BCRYPT).build();
        LinkedAccount a = accounts.link(link);
        for (String text : List.of(link.toString(), a.toString(), accounts.toString())) {
            assertThat(text).doesNotContain("secret-access", "secret-refresh", BCRYPT);
        }
    }
}
