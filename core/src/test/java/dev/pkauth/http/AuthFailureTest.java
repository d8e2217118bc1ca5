package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthFailureTest {
    @Test
    void missingCredentialsHasABareChallenge() {
        AuthFailure f = AuthFailure.missingCredentials("api");
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"api\"")
                .containsEntry("Cache-Control", "no-store").containsEntry("Content-Type", "application/json");
    }

    @Test
    void invalidTokenNamesTheErrorAndDescription() {
        AuthFailure f = AuthFailure.invalidToken("api", "the API key is invalid");
        assertThat(f.headers().get("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"api\", error=\"invalid_token\", error_description=\"the API key is invalid\"");
        assertThat(f.body()).isEqualTo("{\"error\":\"invalid_token\",\"error_description\":\"the API key is invalid\"}");
    }

    @Test
    void insufficientScopeListsScopesSpaceSeparated() {
        AuthFailure f = AuthFailure.insufficientScope("api", List.of("docs:write", "admin"));
        assertThat(f.status()).isEqualTo(403);
        assertThat(f.headers().get("WWW-Authenticate")).endsWith(", scope=\"docs:write admin\"")
                .contains("error=\"insufficient_scope\"");
    }

    @Test
    void unavailableHasRetryAfterAndNoChallenge() {
        AuthFailure f = AuthFailure.unavailable(5);
        assertThat(f.status()).isEqualTo(503);
        assertThat(f.headers()).containsEntry("Retry-After", "5").doesNotContainKey("WWW-Authenticate");
    }

    @Test
    void realmIsQuotedAndEscaped() {
        assertThat(AuthFailure.challenge("my \"api\" \\ x", null, null, null))
                .isEqualTo("Bearer realm=\"my \\\"api\\\" \\\\ x\"");
        assertThat(AuthFailure.quote("a\r\nb")).isEqualTo("\"ab\"");
        assertThat(AuthFailure.jsonString("q\"\\\n")).isEqualTo("\"q\\\"\\\\\\u000a\"");
    }
}
