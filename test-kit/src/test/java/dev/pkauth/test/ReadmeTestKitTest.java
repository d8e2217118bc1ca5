package dev.pkauth.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.KeySpec;
import dev.pkauth.UsageLimits;
import dev.pkauth.testing.Readme;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The README's "Testing your application" examples, run as they are printed. */
class ReadmeTestKitTest {
    // README:test-kit:start
    @RegisterExtension
    static PkauthExtension pkauth = PkauthExtension.sqlite();    // or inMemory(), or jdbcUrl(…)

    @Test
    void aReaderMayReadTheDocs() {
        ApiKeyStore store = pkauth.store();                       // hand it to the application under test
        String header = pkauth.bearer("docs:read");               // "Bearer pk.key_…", for any HTTP client
        IssuedKey metered = pkauth.mint("ci", KeySpec.of("deploy", List.of("deploy:run"))
                .limits(UsageLimits.NONE.withCredits(1)));
        // README:test-kit:end
        assertThat(header).startsWith("Bearer pk.key_");
        assertThat(store.verify(header.substring("Bearer ".length())).isValid()).isTrue();
        assertThat(store.find(metered.key().id()).orElseThrow().limits().credits()).isEqualTo(1);
    }

    @Test
    void theReadmeShowsTheseExamplesVerbatim() {
        Readme.assertShows(ReadmeTestKitTest.class, "test-kit");
        Readme.assertShows(PkauthMockMvcTest.class, "mockmvc");
    }
}
