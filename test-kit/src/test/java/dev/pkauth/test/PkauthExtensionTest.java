package dev.pkauth.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeySpec;
import dev.pkauth.UsageLimits;
import dev.pkauth.Verification;
import dev.pkauth.testing.PostgresSupport;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a user meets it, on each backend: a store per test, keys that verify, nothing left open. */
class PkauthExtensionTest {
    /** What every backend must do for a user's test. */
    abstract static class Contract {
        static ApiKeyStore previous;

        abstract PkauthExtension pkauth();

        @Test
        void aMintedKeyVerifiesWithItsScopes() {
            IssuedKey k = pkauth().mint("docs:read", "docs:write");
            Verification v = pkauth().store().verify(k.token());
            assertThat(v).isInstanceOfSatisfying(Verification.Valid.class, ok -> {
                assertThat(ok.principal().userId()).isEqualTo("test-user");
                assertThat(ok.principal().scopes()).containsExactly("docs:read", "docs:write");
            });
            assertThat(pkauth().bearer()).startsWith("Bearer pk.key_");
            remember(pkauth().store());
        }

        @Test
        void eachTestHasAStoreOfItsOwn() {
            assertThat(pkauth().store().list("test-user")).as("keys of other tests").isEmpty();
            IssuedKey limited = pkauth().mint("ci", KeySpec.of("deploy", List.of("deploy:run")).limits(UsageLimits.NONE.withCredits(1)));
            assertThat(pkauth().store().list("ci")).extracting(k -> k.id()).containsExactly(limited.key().id());
            remember(pkauth().store());
        }

        @Test
        void theStoreComesAsAParameterToo(ApiKeyStore store, PkauthExtension extension) {
            assertThat(store).isSameAs(pkauth().store());
            assertThat(extension).isSameAs(pkauth());
        }

        private static void remember(ApiKeyStore store) {
            if (previous != null) assertThat(store).as("a new store for each test").isNotSameAs(previous);
            previous = store;
        }

        @AfterAll
        static void everyStoreWasClosed() {
            assertThat(previous).isNotNull();
            assertThatThrownBy(() -> previous.find("key_x")).hasMessageContaining("closed");
            previous = null;
        }
    }

    @Nested
    class InMemory extends Contract {
        @RegisterExtension
        final PkauthExtension pkauth = PkauthExtension.inMemory();

        @Override
        PkauthExtension pkauth() {
            return pkauth;
        }
    }

    @Nested
    class OnSqlite extends Contract {
        @RegisterExtension
        final PkauthExtension pkauth = PkauthExtension.sqlite();

        @Override
        PkauthExtension pkauth() {
            return pkauth;
        }

        @Test
        void theStoreIsOnAFileOfItsOwn() {
            assertThat(pkauth.store().operations().location()).startsWith("jdbc:sqlite:").contains("pkauth-test");
        }
    }

    @Nested
    class OnPostgres extends Contract {
        @RegisterExtension
        final PkauthExtension pkauth = PkauthExtension.jdbcUrl(PostgresSupport.get().jdbcUrl())
                .credentials(PostgresSupport.get().user(), PostgresSupport.get().password());

        @Override
        PkauthExtension pkauth() {
            return pkauth;
        }

        @Test
        void theStoreIsOnATableOfItsOwn() {
            assertThat(pkauth.store().operations().location()).contains("postgresql").contains("pkauth_test_");
        }
    }

    @Nested
    @ExtendWith(PkauthExtension.class)
    class DeclaredWithExtendWith {
        @Test
        void aStoreInMemoryComesAsAParameter(ApiKeyStore store) {
            IssuedKey k = store.create("alice", null, List.of(), null);
            assertThat(store.verify(k.token()).isValid()).isTrue();
            assertThat(store.operations().location()).contains("memory");
        }
    }

    @Test
    void outsideATestThereIsNoStore() {
        assertThatThrownBy(() -> PkauthExtension.sqlite().store()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("while a test runs");
    }
}
