package dev.pkauth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKey;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.AuditEvent;
import dev.pkauth.http.SessionGrant;
import dev.pkauth.http.SessionPolicy;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys endpoints and the API keys page for the host's signed-in users, as each adapter mounts
 * them, over real HTTP with a real session cookie: a deployment serves the endpoints at
 * {@code /keys} (realm {@value #REALM}) and the page at {@code /console}, with {@link #POLICY},
 * behind a sign-in of the host's ({@link #signIn}). The browser suites walk the same page in
 * Chromium; this contract pins what every deployment answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SessionKeysHttpContract {
    protected static final String REALM = "api";
    /** The cookie the test hosts' sign-in reads: the host's own business, here as small as it gets. */
    protected static final String TEST_USER_COOKIE = "pkauth-test-user";
    /** alice may grant {@code docs:read} for 30 days; anyone else nothing. */
    protected static final SessionPolicy POLICY = user -> user.equals("alice")
            ? SessionGrant.of(List.of("docs:read")).maxLifetime(Duration.ofDays(30)) : SessionGrant.none();
    private static final Pattern PROOF = Pattern.compile("<meta name=\"pkauth-csrf\" data-header=\"([^\"]+)\" content=\"([^\"]+)\">");

    /** The SQLite file's directory: made before {@code @BeforeAll}, removed by JUnit after the class. */
    @TempDir
    static Path dir;
    protected ApiKeyStore store;
    protected URI base;

    /** Starts the deployment: endpoints at {@code /keys}, page at {@code /console}, {@code policy} for sessions. */
    protected abstract URI start(ApiKeyStore store, SessionPolicy policy) throws Exception;

    protected abstract void stop() throws Exception;

    /**
     * Signs {@code user} in on {@code browser} as the deployment's host does. The Servlet and JAX-RS
     * test hosts take the user from the {@value #TEST_USER_COOKIE} cookie; Spring logs in by its form.
     */
    protected void signIn(Browser browser, String user) throws Exception {
        HttpCookie cookie = new HttpCookie(TEST_USER_COOKIE, user);
        cookie.setPath("/");
        cookie.setVersion(0);
        browser.cookies.getCookieStore().add(base, cookie);
    }

    @BeforeAll
    void startDeployment() throws Exception {
        store = ApiKeyStore.builder().jdbcUrl(Backend.sqliteUrl(dir)).pepper("session-http-contract").build();
        base = start(store, POLICY);
    }

    @AfterAll
    void stopDeployment() throws Exception {
        stop();
        store.close();
    }

    /** A client with a cookie jar: what a browser keeps between requests, and the page's proofs of origin. */
    public final class Browser {
        public final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        public final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies).connectTimeout(Duration.ofSeconds(10)).build();
        /** The headers the page sends on writes (header → token), read from the page. */
        public final Map<String, String> proofs = new LinkedHashMap<>();

        /** GET of the page, keeping the proofs it carries. */
        public HttpResponse<String> openPage() throws Exception {
            HttpResponse<String> page = send("GET", "/console", null, Map.of());
            Matcher m = PROOF.matcher(page.body());
            while (m.find()) proofs.put(m.group(1), m.group(2).replace("&amp;", "&"));
            return page;
        }

        /** A request as the page makes it: same origin, with every proof. */
        public HttpResponse<String> fromThePage(String method, String path, String json) throws Exception {
            Map<String, String> h = new LinkedHashMap<>(proofs);
            h.put("Origin", origin());
            h.put("Sec-Fetch-Site", "same-origin");
            return send(method, path, json, h);
        }

        public HttpResponse<String> send(String method, String path, String json, Map<String, String> headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                    .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) b.header("Content-Type", "application/json");
            headers.forEach(b::header);
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** A new browser with {@code user} signed in and the page opened. */
    protected Browser signedIn(String user) throws Exception {
        Browser b = new Browser();
        signIn(b, user);
        HttpResponse<String> page = b.openPage();
        assertThat(page.statusCode()).as("the page for " + user + ": " + page.body()).isEqualTo(200);
        return b;
    }

    protected String origin() {
        return base.getScheme() + "://" + base.getAuthority();
    }

    private static void assertJsonError(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.body()).contains("\"error\":\"" + error + "\"");
    }


    @Test
    void thePageIsServedToTheSignedInUserUnderAStrictPolicyWithItsProofs() throws Exception {
        Browser alice = new Browser();
        signIn(alice, "alice");
        HttpResponse<String> page = alice.openPage();
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'").doesNotContain("unsafe");
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        assertThat(page.body()).contains("Signed in as <strong>alice</strong>", "<meta name=\"pkauth-api\" content=\"/keys\">");
        assertThat(alice.proofs).containsKey("X-Pkauth-Csrf");
        HttpResponse<String> script = alice.send("GET", "/console/console.js", null, Map.of());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(alice.openPage().body()).as("one token per session").contains(alice.proofs.get("X-Pkauth-Csrf"));
    }

    @Test
    void nobodySignedInGetsNeitherThePageNorKeys() throws Exception {
        Browser nobody = new Browser();
        assertThat(nobody.openPage().statusCode()).isEqualTo(401);
        assertThat(nobody.proofs).isEmpty();
        assertJsonError(nobody.send("GET", "/keys", null, Map.of()), 401, "unauthorized");
        assertJsonError(nobody.send("POST", "/keys", "{\"name\":\"x\"}", Map.of("Origin", origin(), "Sec-Fetch-Site", "same-origin")),
                401, "unauthorized");
    }

    @Test
    void aSignedInUserMintsWithinTheGrantAKeyTheyOwnWithNoParent() throws Exception {
        Browser alice = signedIn("alice");
        HttpResponse<String> created = alice.fromThePage("POST", "/keys", "{\"name\":\"laptop\",\"scopes\":[\"docs:read\"]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String token = ExampleProcess.field(created.body(), "token");
        String id = ExampleProcess.field(created.body(), "id");
        ApiKey key = store.find(id).orElseThrow();
        assertThat(key.userId()).isEqualTo("alice");
        assertThat(key.scopes()).containsExactly("docs:read");
        assertThat(key.createdBy()).as("no parent key").isNull();
        assertThat(created.body()).as("minted in alice's session").contains("\"created_by\":null", "\"created_actor\":\"user:alice\"");
        assertThat(key.expiresAt()).as("the grant's longest lifetime").isNotNull()
                .isBefore(java.time.Instant.now().plus(Duration.ofDays(30)).plusSeconds(60));
        assertThat(store.verify(token).isValid()).isTrue();
        List<AuditEvent> audit = store.operations().auditLog(id, null, null, 10, null);
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("create");
            assertThat(e.actor()).isEqualTo("user:alice");
        });
        HttpResponse<String> list = alice.fromThePage("GET", "/keys", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains(id, "\"grant\"").doesNotContain(token.substring(token.lastIndexOf('.') + 1));
    }

    @Test
    void aScopeOrLifetimeBeyondTheGrantIsRefusedAndNothingIsMade() throws Exception {
        Browser alice = signedIn("alice");
        Browser bob = signedIn("bob");
        long before = store.list("alice").size() + store.list("bob").size();
        assertJsonError(alice.fromThePage("POST", "/keys", "{\"scopes\":[\"keys:write\"]}"), 403, "insufficient_scope");
        assertJsonError(bob.fromThePage("POST", "/keys", "{\"scopes\":[\"docs:read\"]}"), 403, "insufficient_scope");
        HttpResponse<String> tooLong = alice.fromThePage("POST", "/keys", "{\"expires_in_seconds\":" + Duration.ofDays(31).toSeconds() + "}");
        assertThat(tooLong.statusCode()).as(tooLong.body()).isBetween(400, 403);
        assertThat(store.list("alice").size() + store.list("bob").size()).isEqualTo(before);
    }

    @Test
    void writesWithoutTheSessionsProofAreRefusedAsCsrfAndChangeNothing() throws Exception {
        Browser alice = signedIn("alice");
        String id = ExampleProcess.field(alice.fromThePage("POST", "/keys", "{\"name\":\"kept\"}").body(), "id");
        int before = store.list("alice").size();
        String body = "{\"name\":\"csrf\"}";
        Map<String, String> sameOrigin = Map.of("Origin", origin(), "Sec-Fetch-Site", "same-origin");
        assertJsonError(alice.send("POST", "/keys", body, sameOrigin), 403, "csrf");
        Map<String, String> wrong = new LinkedHashMap<>(sameOrigin);
        alice.proofs.keySet().forEach(h -> wrong.put(h, "AAAA" + alice.proofs.get(h).substring(4)));
        assertJsonError(alice.send("POST", "/keys", body, wrong), 403, "csrf");
        Map<String, String> crossSite = new LinkedHashMap<>(alice.proofs);
        crossSite.put("Origin", "http://evil.example");
        crossSite.put("Sec-Fetch-Site", "cross-site");
        assertJsonError(alice.send("POST", "/keys", body, crossSite), 403, "csrf");
        Map<String, String> otherOrigin = new LinkedHashMap<>(alice.proofs);
        otherOrigin.put("Origin", "http://evil.example");
        assertJsonError(alice.send("POST", "/keys", body, otherOrigin), 403, "csrf");
        assertJsonError(alice.send("DELETE", "/keys/" + id, null, crossSite), 403, "csrf");
        assertThat(store.list("alice")).hasSize(before);
        assertThat(store.find(id).orElseThrow().revokedAt()).isNull();
        Browser another = signedIn("alice");
        Map<String, String> othersToken = new LinkedHashMap<>(sameOrigin);
        othersToken.putAll(another.proofs);
        assertJsonError(alice.send("POST", "/keys", body, othersToken), 403, "csrf");
    }

    @Test
    void aKeyNeedsNoProofOfOriginAndABadKeyIsNeverTakenForTheSession() throws Exception {
        String writer = store.create("carol", "writer", List.of("keys:write"), null).token();
        Browser carol = new Browser();
        HttpResponse<String> byKey = carol.send("POST", "/keys", "{\"name\":\"by key\"}",
                Map.of("Authorization", "Bearer " + writer, "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"));
        assertThat(byKey.statusCode()).as(byKey.body()).isEqualTo(201);
        Browser alice = signedIn("alice");
        Map<String, String> h = new LinkedHashMap<>(alice.proofs);
        h.put("Origin", origin());
        h.put("Sec-Fetch-Site", "same-origin");
        h.put("Authorization", "Bearer pk.key_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        HttpResponse<String> bad = alice.send("POST", "/keys", "{\"name\":\"x\"}", h);
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(401);
        assertThat(store.list("alice")).noneMatch(k -> "x".equals(k.name()));
    }

    @Test
    void aSignedInUserSeesAndTouchesOnlyTheirOwnKeys() throws Exception {
        String bobs = store.create("bob", "bob's", List.of(), null).key().id();
        Browser alice = signedIn("alice");
        assertJsonError(alice.fromThePage("GET", "/keys/" + bobs, null), 404, "not_found");
        assertJsonError(alice.fromThePage("DELETE", "/keys/" + bobs, null), 404, "not_found");
        assertJsonError(alice.fromThePage("POST", "/keys/" + bobs + "/rotate", "{}"), 404, "not_found");
        assertThat(alice.fromThePage("GET", "/keys?limit=100", null).body()).doesNotContain(bobs);
        assertThat(store.find(bobs).orElseThrow().revokedAt()).isNull();
    }

    @Test
    void aSignedInUserRotatesDisablesAndRevokesTheirKey() throws Exception {
        Browser alice = signedIn("alice");
        HttpResponse<String> created = alice.fromThePage("POST", "/keys", "{\"name\":\"ci\",\"scopes\":[\"docs:read\"]}");
        String id = ExampleProcess.field(created.body(), "id");
        String old = ExampleProcess.field(created.body(), "token");
        HttpResponse<String> rotated = alice.fromThePage("POST", "/keys/" + id + "/rotate", "{\"overlap_seconds\":3600}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        String successor = ExampleProcess.field(rotated.body(), "id");
        String fresh = ExampleProcess.field(rotated.body(), "token");
        assertThat(store.verify(old).isValid()).as("during the overlap").isTrue();
        assertThat(alice.fromThePage("GET", "/keys/" + id, null).body()).contains("\"status\":\"rotated\"",
                "\"rotated_to\":\"" + successor + "\"");
        assertThat(store.verify(fresh).isValid()).isTrue();
        HttpResponse<String> disabled = alice.fromThePage("PATCH", "/keys/" + successor, "{\"disabled\":true}");
        assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
        assertThat(store.verify(fresh).isValid()).isFalse();
        assertThat(alice.fromThePage("PATCH", "/keys/" + successor, "{\"disabled\":false}").statusCode()).isEqualTo(200);
        assertThat(store.verify(fresh).isValid()).isTrue();
        assertThat(alice.fromThePage("DELETE", "/keys/" + successor, null).statusCode()).isEqualTo(204);
        assertThat(store.verify(fresh).isValid()).isFalse();
        assertThat(store.find(successor).orElseThrow().revokedAt()).isNotNull();
    }
}
