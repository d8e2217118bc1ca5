package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerCredentialsTest {
    static final String KEY = "pk.key_abcdefghijklmnopqrstuvwxyz012345.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop-";

    @Test
    void noHeaderIsAbsent() {
        assertThat(BearerCredentials.parse(List.of())).isInstanceOf(BearerCredentials.Absent.class);
        assertThat(BearerCredentials.parse((List<String>) null)).isInstanceOf(BearerCredentials.Absent.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Digest x", "Bearerx abc", "Token abc", "Basic", "", "   "})
    void otherSchemesAreAbsent(String header) {
        assertThat(BearerCredentials.parse(header)).isInstanceOf(BearerCredentials.Absent.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER ", "BeArEr ", "Bearer    ", "  Bearer "})
    void theSchemeIsCaseInsensitiveAndSpacesMayRepeat(String scheme) {
        assertThat(BearerCredentials.parse(scheme + KEY)).isEqualTo(new BearerCredentials.Token(KEY));
    }

    @Test
    void trailingWhitespaceIsNotPartOfTheToken() {
        assertThat(BearerCredentials.parse("Bearer " + KEY + " \t")).isEqualTo(new BearerCredentials.Token(KEY));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer ", "bearer    ", "Bearer\t"})
    void anEmptyTokenIsAnInvalidRequest(String header) {
        assertThat(BearerCredentials.parse(header)).isInstanceOf(BearerCredentials.Malformed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer a b", "Bearer pk.é", "Bearer a\"b", "Bearer a,b", "Bearer =abc", "Bearer ab=c",
            "Bearer a\u0000b", "Bearer a\tb", "Bearer \u00ff\u00fe"})
    void charactersOutsideB64tokenAreAnInvalidRequest(String header) {
        assertThat(BearerCredentials.parse(header)).isInstanceOf(BearerCredentials.Malformed.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc", "Bearer a.b~c+d/e", "Bearer abc==", "Bearer " + KEY})
    void b64tokensArePassedOnForVerification(String header) {
        assertThat(BearerCredentials.parse(header)).isInstanceOf(BearerCredentials.Token.class);
    }

    @Test
    void moreThanOneHeaderIsAnInvalidRequest() {
        assertThat(BearerCredentials.parse(List.of("Bearer " + KEY, "Bearer " + KEY)))
                .isInstanceOf(BearerCredentials.Malformed.class);
    }

    @Test
    void aHugeBearerHeaderIsAnInvalidRequestAndAHugeOtherHeaderIsAbsent() {
        assertThat(BearerCredentials.parse("Bearer " + "a".repeat(8192))).isInstanceOf(BearerCredentials.Malformed.class);
        assertThat(BearerCredentials.parse("Basic " + "a".repeat(8192))).isInstanceOf(BearerCredentials.Absent.class);
    }

    @Test
    void theTokenNeverShowsInToString() {
        assertThat(BearerCredentials.parse("Bearer " + KEY).toString()).doesNotContain(KEY.substring(40));
    }
}
