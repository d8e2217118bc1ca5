package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A key verified once is checked from memory by the SHA-256 of its secret, over each character's low
 * byte: a token that differs from it only by characters outside base64url, or by a character
 * whose low byte is a valid one, must still be malformed, never valid (the alphabet check runs
 * before any hash).
 */
class CachedStrictParsingTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"IN_MEMORY", "SQLITE"})
    void aCachedKeyNeverVerifiesWithAnAlteredCharacterOfAnyKind(Backend backend) {
        try (ApiKeyStore store = backend.newBuilder(dir).pepper("strict-parsing").cacheTtl(Duration.ofHours(1)).build()) {
            String token = store.create("alice", "k", List.of(), null).token();
            assertThat(store.verify(token).isValid()).as("cached now").isTrue();
            int last = token.length() - 1;
            char c = token.charAt(last);
            List<String> altered = List.of(
                    token.substring(0, last) + (char) (c + 0x100),            // truncates to c: must not pass for it
                    token.substring(0, last) + '+',                            // base64, not base64url
                    token.substring(0, last - 1) + "=" + c,                    // padding inside the secret
                    token.substring(0, 10) + (char) (token.charAt(10) + 0x100) + token.substring(11)); // in the id
            for (String t : altered) {
                Verification v = store.verify(t);
                assertThat(v).as(t).isInstanceOf(Verification.Invalid.class);
                assertThat(((Verification.Invalid) v).reason()).as(t).isEqualTo(Verification.Reason.MALFORMED);
            }
            assertThat(store.verify(token).isValid()).isTrue();
        }
    }
}
