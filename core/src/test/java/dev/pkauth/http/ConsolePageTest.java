package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The page and its assets as served from the jar (the browser suites drive it in Chromium). */
class ConsolePageTest {
    final ConsolePage page = new ConsolePage("/account/keys/", "/api/keys");

    @Test
    void thePageCarriesItsSettingsEscapedAndAStrictPolicy() {
        KeysEndpoint.Answer a = page.handle("GET", "", "<b>\"eve\"", "X-Pkauth-Csrf", "t0k");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.headers()).containsEntry("Content-Security-Policy", ConsolePage.CONTENT_SECURITY_POLICY)
                .containsEntry("Cache-Control", "no-store").containsEntry("X-Frame-Options", "DENY");
        assertThat(ConsolePage.CONTENT_SECURITY_POLICY).doesNotContain("unsafe");
        assertThat(a.body()).contains("<meta name=\"pkauth-api\" content=\"/api/keys\">", "content=\"t0k\"",
                "src=\"/account/keys/console.js\"", "&lt;b&gt;&quot;eve&quot;").doesNotContain("{{", "<b>\"eve\"", "style=", "<script>");
        for (String name : new String[] {"Create key", "Copy", "for=\"pkauth-name\">Name", "<legend>Scopes", "for=\"pkauth-expires\">Expires",
                "data-pkauth-token"}) {
            assertThat(a.body()).contains(name);
        }
    }

    @Test
    void thePageCarriesEveryProofOfOriginItIsGivenEscaped() {
        String body = page.handle("GET", "/", "u", java.util.Map.of("X-Pkauth-Csrf", "a1", "X-CSRF-TOKEN", "\"><x")).body();
        assertThat(body).contains("<meta name=\"pkauth-csrf\" data-header=\"X-Pkauth-Csrf\" content=\"a1\">",
                "<meta name=\"pkauth-csrf\" data-header=\"X-CSRF-TOKEN\" content=\"&quot;&gt;&lt;x\">").doesNotContain("\"><x");
    }

    @Test
    void assetsAndNothingElse() {
        assertThat(page.handle("GET", "/console.js", "u", "h", "t").headers()).containsEntry("Content-Type", "text/javascript; charset=utf-8");
        assertThat(page.handle("GET", "/console.js", "u", "h", "t").body()).contains("credentials: 'same-origin'")
                .doesNotContain("localStorage", "sessionStorage", "innerHTML");
        assertThat(page.handle("GET", "/console.css", "u", "h", "t").status()).isEqualTo(200);
        assertThat(page.handle("GET", "/../console.html", "u", "h", "t").status()).isEqualTo(404);
        assertThat(page.handle("GET", "/console.html", "u", "h", "t").status()).isEqualTo(404);
        assertThat(page.handle("POST", "", "u", "h", "t").status()).isEqualTo(405);
        assertThatThrownBy(() -> new ConsolePage("account", "/api")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ConsolePage("/a\"><script>", "/api")).isInstanceOf(IllegalArgumentException.class);
    }
}
