package dev.pkauth.testing;

import dev.pkauth.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The HTTP behaviour of DESIGN.md, the same for every deployment of the filters. A deployment
 * serves, behind pkauth on a real Jetty:
 * <ul>
 *   <li>{@code GET /whoami}: a key is required;</li>
 *   <li>{@code GET /scoped}: a key with scope {@code docs:write} is required;</li>
 *   <li>{@code GET /open}: anonymous callers pass;</li>
 * </ul>
 * each answering {@link Whoami#json}. Subclasses pick the deployment and the backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class HttpContract {
    protected static final String REALM = "api";
    private static final String INVALID = "error=\"invalid_token\"";

    /** A scratch directory for the SQLite file and deployment files; removed afterwards. */
    protected Path dir;

    protected TestDatabase db;
    protected ApiKeyStore store;
    protected URI base;

    protected abstract Backend backend();

    /**
     * Starts the deployment in front of {@code db} (realm {@value #REALM}); deployments that take
     * a store in code use {@code store}, those configured by init-params build their own on {@code db}.
     */
    protected abstract URI start(TestDatabase db, ApiKeyStore store) throws Exception;

    protected abstract void stop() throws Exception;

    @BeforeAll
    void startDeployment() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("pkauth-http-");
        db = TestDatabase.create(backend(), dir);
        store = db.builder().build();
        base = start(db, store);
    }

    @AfterAll
    void stopDeployment() throws Exception {
        stop();
        store.close();
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger CLIENTS = new java.util.concurrent.atomic.AtomicInteger();

    /** A loopback address no earlier test of this JVM used: a client with a fresh budget of rejected keys. */
    protected static String newClient() {
        int n = CLIENTS.getAndIncrement();
        return "127.0." + (n / 250 % 250) + "." + (n % 250 + 2);
    }

    /** Each test is its own client, as separate users would be: one test's rejected keys never throttle another's. */
    @org.junit.jupiter.api.BeforeEach
    void aClientOfItsOwn() {
        RawHttp.from(newClient());
    }

    @AfterAll
    void backToTheDefaultAddress() {
        RawHttp.from(null);
    }

    protected IssuedKey key(String... scopes) {
        return store.create("alice", "contract", List.of(scopes), null);
    }

    static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    // --- no credentials -----------------------------------------------------------------------

    @Test
    void noAuthorizationHeaderGets401WithABareChallenge() {
        RawHttp.Response r = RawHttp.get(base, "/whoami");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
        assertErrorBody(r, "unauthorized");
    }

    @Test
    void anotherSchemeIsTreatedAsNoCredentials() {
        RawHttp.Response r = RawHttp.get(base, "/whoami", "Authorization: Basic dXNlcjpwYXNz");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"api\"");
    }

    // --- a valid key --------------------------------------------------------------------------

    @Test
    void aValidKeyPassesWithItsPrincipal() {
        IssuedKey k = key("docs:read");
        RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(k.token()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.body()).contains("\"user_id\":\"alice\"", "\"key_id\":\"" + k.key().id() + "\"",
                "\"scopes\":[\"docs:read\"]", "\"auth_type\":\"Bearer\"", "\"remote_user\":\"alice\"",
                "\"role_docs_read\":true");
    }

    @Test
    void theSchemeIsCaseInsensitiveAndSpacesMayRepeat() {
        IssuedKey k = key();
        assertThat(RawHttp.get(base, "/whoami", "Authorization: bearer " + k.token()).status()).isEqualTo(200);
        assertThat(RawHttp.get(base, "/whoami", "Authorization: BEARER    " + k.token()).status()).isEqualTo(200);
    }

    // --- invalid keys ---------------------------------------------------------------------------

    @Test
    void unknownIdAndWrongSecretGetTheSame401() {
        IssuedKey k = key();
        String unknown = "pk.key_" + "A".repeat(32) + k.token().substring(39);
        String wrongSecret = TestTokens.wrongSecret(k.token());

        RawHttp.Response a = RawHttp.get(base, "/whoami", bearer(unknown));
        RawHttp.Response b = RawHttp.get(base, "/whoami", bearer(wrongSecret));

        assertThat(a.status()).isEqualTo(401);
        assertThat(a.header("WWW-Authenticate")).startsWith("Bearer realm=\"api\", " + INVALID)
                .contains("error_description=\"the API key is invalid\"");
        assertThat(b.status()).isEqualTo(401);
        assertThat(b.header("WWW-Authenticate")).isEqualTo(a.header("WWW-Authenticate"));
        assertThat(b.body()).isEqualTo(a.body());
        assertErrorBody(a, "invalid_token");
    }

    @Test
    void anExpiredKeyGets401SayingExpired() throws Exception {
        IssuedKey k = store.create("alice", null, List.of(), Instant.now().plus(1, ChronoUnit.DAYS));
        db.expireNow(k.key().id());
        RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(k.token()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains(INVALID, "expired");
    }

    @Test
    void aRevokedKeyGets401AtTheNextRequest() {
        IssuedKey k = key();
        assertThat(RawHttp.get(base, "/whoami", bearer(k.token())).status()).isEqualTo(200);

        assertThat(store.revoke(k.key().id())).isTrue();

        RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(k.token()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains(INVALID, "revoked");
    }

    @Test
    void malformedPkShapesGet401InvalidToken() {
        String good = key().token();
        for (String bad : new String[] {"pk.", "pk.key_abc.def", good + "A", good.substring(0, 82), "sk" + good.substring(2),
                good.replace("pk.key_", "pk.kex_"), good.substring(0, 50) + "." + good.substring(51), "abc"}) {
            RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(bad));
            assertThat(r.status()).as(bad).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).as(bad).contains(INVALID, "the API key is invalid");
        }
    }

    // --- invalid requests -----------------------------------------------------------------------

    @Test
    void anEmptyBearerTokenIsAnInvalidRequest() {
        RawHttp.Response r = RawHttp.get(base, "/whoami", "Authorization: Bearer ");
        assertInvalidRequest(r);
        assertInvalidRequest(RawHttp.get(base, "/whoami", "Authorization: Bearer"));
    }

    @Test
    void twoAuthorizationHeadersAreAnInvalidRequest() {
        String t = key().token();
        assertInvalidRequest(RawHttp.get(base, "/whoami", bearer(t), bearer(t)));
    }

    @Test
    void illegalCharactersAreAnInvalidRequest() {
        assertInvalidRequest(RawHttp.get(base, "/whoami", "Authorization: Bearer pk.a\"b"));
        assertInvalidRequest(RawHttp.get(base, "/whoami", "Authorization: Bearer pk.a,b"));
        assertInvalidRequest(RawHttp.get(base, "/whoami", "Authorization: Bearer pk.a b"));
    }

    @Test
    void nonAsciiBytesAreAnInvalidRequest() {
        assertInvalidRequest(RawHttp.get(base, "/whoami", "Authorization: Bearer pk.key_\u00e9\u00ff\u00fe"));
    }

    @Test
    void an8KbJunkHeaderIsAnInvalidRequestNotAServerError() {
        StringBuilder junk = new StringBuilder();
        Random random = new Random(42);
        while (junk.length() < 8192) junk.append((char) ('!' + random.nextInt(94)));
        assertInvalidRequest(RawHttp.get(base, "/whoami", "Authorization: Bearer " + junk));
        RawHttp.Response other = RawHttp.get(base, "/whoami", "Authorization: Junk " + junk);
        assertThat(other.status()).isEqualTo(401);
    }

    @Test
    void aRejectedRequestWithAnUnreadBodyClosesTheConnectionSayingSo() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            String body = "{\"title\":\"x\"}";
            socket.getOutputStream().write(("POST /whoami HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            RawHttp.Response r = RawHttp.parse(socket.getInputStream().readAllBytes());
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
        }
    }

    /**
     * Hostile headers never get a 5xx and never a 200. {@code -Dpkauth.flood=10000} for the
     * dedicated run; 500 a deployment in {@code mvn verify}.
     */
    @Test
    void malformedAuthorizationHeadersNeverGet5xxOr200() {
        int count = Integer.getInteger("pkauth.flood", 500);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        String good = key().token();
        java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
        for (int i = 0; i < count; i++) {
            String[] headers = hostileHeaders(random, good);
            RawHttp.Response r = RawHttp.get(base, "/whoami", headers);
            statuses.merge(r.status(), 1, Integer::sum);
            assertThat(r.status()).as(String.join(" | ", headers)).isNotEqualTo(200).isLessThan(500);
        }
        org.slf4j.LoggerFactory.getLogger(HttpContract.class).info("{} hostile requests: {}", count, statuses);
    }

    /** Random bytes, huge values, controls, non-ASCII, many headers and half-valid pk shapes. */
    static String[] hostileHeaders(java.util.SplittableRandom random, String good) {
        int kind = random.nextInt(7);
        String value = switch (kind) {
            case 0 -> randomChars(random, 1 + random.nextInt(200), 0x20, 0xff);
            case 1 -> "Bearer " + randomChars(random, 1000 + random.nextInt(12000), 0x21, 0x7e);
            case 2 -> "Bearer " + good.substring(0, random.nextInt(good.length())) + randomChars(random, random.nextInt(5), 0x20, 0x7e);
            case 3 -> "Bearer pk.key_" + randomChars(random, 32, 0x21, 0x7e) + "." + randomChars(random, 43, 0x21, 0x7e);
            case 4 -> "Bearer " + good.substring(0, 40) + randomChars(random, 43, 0x80, 0xff);
            case 5 -> "Bearer\t" + good + randomChars(random, 3, 0x01, 0x1f).replace('\r', ' ').replace('\n', ' ');
            default -> null;
        };
        if (("Bearer " + good).equals(value)) value += "!"; // a truncation that grew back into the key is not hostile
        if (value == null) {
            String[] many = new String[2 + random.nextInt(20)];
            for (int i = 0; i < many.length; i++) many[i] = "Authorization: Bearer " + (i == 0 ? good : randomChars(random, 20, 0x21, 0x7e));
            return many;
        }
        return new String[] {"Authorization: " + value};
    }

    static String randomChars(java.util.SplittableRandom random, int n, int from, int to) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) b.append((char) (from + random.nextInt(to - from + 1)));
        return b.toString();
    }

    // --- scopes ---------------------------------------------------------------------------------

    @Test
    void aMissingScopeGets403NamingTheScope() {
        RawHttp.Response r = RawHttp.get(base, "/scoped", bearer(key("docs:read").token()));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate"))
                .startsWith("Bearer realm=\"api\", error=\"insufficient_scope\"")
                .endsWith("scope=\"docs:write\"");
        assertErrorBody(r, "insufficient_scope");
    }

    @Test
    void theRequiredScopePasses() {
        assertThat(RawHttp.get(base, "/scoped", bearer(key("docs:write").token())).status()).isEqualTo(200);
    }

    @Test
    void wildcardScopesPass() {
        assertThat(RawHttp.get(base, "/scoped", bearer(key("*").token())).status()).isEqualTo(200);
        assertThat(RawHttp.get(base, "/scoped", bearer(key("docs:*").token())).status()).isEqualTo(200);
        assertThat(RawHttp.get(base, "/scoped", bearer(key("keys:*").token())).status()).isEqualTo(403);
    }

    @Test
    void aScopedRouteStillWantsAKeyFirst() {
        assertThat(RawHttp.get(base, "/scoped").status()).isEqualTo(401);
    }

    // --- anonymous ------------------------------------------------------------------------------

    @Test
    void anonymousAccessPassesWithoutCredentials() {
        RawHttp.Response r = RawHttp.get(base, "/open");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"anonymous\":true");
    }

    @Test
    void anonymousRoutesStillCheckAPresentedKey() {
        IssuedKey k = key();
        assertThat(RawHttp.get(base, "/open", bearer(k.token())).body()).contains("\"user_id\":\"alice\"");
        String wrong = TestTokens.wrongSecret(k.token());
        assertThat(RawHttp.get(base, "/open", bearer(wrong)).status()).isEqualTo(401);
    }

    // --- the store goes away (last: it breaks the table) -----------------------------------------

    // --- operating keys ---------------------------------------------------------------------

    @Test
    void aDisabledKeyGets401SayingDisabledUntilItIsEnabled() {
        IssuedKey k = key();
        assertThat(RawHttp.get(base, "/whoami", bearer(k.token())).status()).isEqualTo(200);
        store.disable(k.key().id());

        RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(k.token()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).contains(INVALID, "error_description=\"the API key is disabled\"");
        String wrongSecret = TestTokens.wrongSecret(k.token());
        assertThat(RawHttp.get(base, "/whoami", bearer(wrongSecret)).header("WWW-Authenticate"))
                .as("only the right secret learns it is disabled").doesNotContain("disabled");

        store.enable(k.key().id());
        assertThat(RawHttp.get(base, "/whoami", bearer(k.token())).status()).isEqualTo(200);
    }

    /**
     * Whether the deployment puts pkauth in front of paths no route matches (JAX-RS and Spring
     * do); a Servlet filter covers the paths it is mapped to, here {@code /whoami} and its siblings.
     */
    protected boolean protectsUnmatchedPaths() {
        return true;
    }

    /**
     * Without a valid key, nothing is learnt about routes, methods or media types: 401 before the
     * framework's matching would say 404, 405, 406 or 415.
     */
    /**
     * A request the application refuses after pkauth metered it (400, 403, 404, 405: no work
     * done) gets its credit back; a request it serves spends one.
     */
    @Test
    void aRequestTheApplicationRefusesAfterMeteringGetsItsCreditBack() {
        dev.pkauth.IssuedKey k = store.create("alice", KeySpec.of("metered", List.of()).limits(dev.pkauth.UsageLimits.NONE.withCredits(2)));
        for (int status : new int[] {400, 403, 404, 405}) {
            RawHttp.Response r = RawHttp.get(base, "/whoami?answer=" + status, bearer(k.token()));
            assertThat(r.status()).as(r.toString()).isEqualTo(status);
        }
        assertThat(store.find(k.key().id()).orElseThrow().limits().credits()).as("all four given back").isEqualTo(2);
        assertThat(RawHttp.get(base, "/whoami", bearer(k.token())).status()).isEqualTo(200);
        assertThat(store.find(k.key().id()).orElseThrow().limits().credits()).isEqualTo(1);
    }

    @Test
    void withoutAValidKeyNothingIsLearntAboutRoutesMethodsOrMediaTypes() {
        String unknownKey = "Authorization: Bearer pk.key_" + "Q".repeat(32) + "." + "R".repeat(43);
        for (String[] credentials : List.of(new String[0], new String[] {unknownKey})) {
            String which = credentials.length == 0 ? "no key" : "an unknown key";
            assertThat(RawHttp.request(base, "DELETE", "/whoami", null, credentials).status()).as(which + ": DELETE").isEqualTo(401);
            if (protectsUnmatchedPaths()) {
                assertThat(RawHttp.get(base, "/no-such-route-" + which.length(), credentials).status())
                        .as(which + ": unknown path").isEqualTo(401);
            }
            String[] unacceptable = java.util.stream.Stream.concat(java.util.Arrays.stream(credentials),
                    java.util.stream.Stream.of("Accept: image/x-nothing")).toArray(String[]::new);
            assertThat(RawHttp.get(base, "/whoami", unacceptable).status()).as(which + ": unacceptable Accept").isEqualTo(401);
        }
        IssuedKey k = key();
        assertThat(RawHttp.request(base, "DELETE", "/whoami", null, bearer(k.token())).status())
                .as("with a valid key the framework answers as it will").isNotIn(401, 403);
    }

    @Test
    void anAllowlistAdmitsItsAddressesOverIpv4AndIpv6AndAnswers403ElsewhereWithoutAChallenge() {
        IssuedKey k = key();
        store.allowedIps(k.key().id(), dev.pkauth.IpAllowlist.parse("127.0.0.1/32, ::1"));
        URI v6 = URI.create("http://[::1]:" + base.getPort() + base.getPath());

        RawHttp.from("127.0.0.1");
        assertThat(RawHttp.get(base, "/whoami", bearer(k.token())).status()).isEqualTo(200);
        RawHttp.from(null);
        if (Loopback.ipv6()) assertThat(RawHttp.get(v6, "/whoami", bearer(k.token())).status()).as("from ::1").isEqualTo(200);
        RawHttp.from(newClient()); // 127.0.x.y, not 127.0.0.1
        RawHttp.Response elsewhere = RawHttp.get(base, "/whoami", bearer(k.token()));
        assertThat(elsewhere.status()).isEqualTo(403);
        assertThat(elsewhere.header("WWW-Authenticate")).isNull();
        assertErrorBody(elsewhere, "ip_not_allowed");

        IssuedKey office = key();
        store.allowedIps(office.key().id(), dev.pkauth.IpAllowlist.parse("10.0.0.0/8"));
        RawHttp.from("127.0.0.1");
        assertThat(RawHttp.get(base, "/whoami", bearer(office.token())).status()).isEqualTo(403);
        RawHttp.from(null);
        if (Loopback.ipv6()) assertThat(RawHttp.get(v6, "/whoami", bearer(office.token())).status()).isEqualTo(403);
    }

    // --- usage limits -----------------------------------------------------------------------

    /** The default budget (20 rejected keys a minute per address) in front of every lookup. */
    @Test
    void anAddressOverItsBudgetOfRejectedKeysGets429AndKeysInMemoryStillPass() {
        IssuedKey known = key();
        assertThat(RawHttp.get(base, "/whoami", bearer(known.token())).status()).as("now in the deployment's cache").isEqualTo(200);
        IssuedKey unseen = key(); // never looked up by the deployment
        String flooder = newClient();
        RawHttp.from(flooder);
        String guess = "pk.key_" + "G".repeat(32) + known.token().substring(39);
        for (int i = 0; i < 20; i++) {
            RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(guess.substring(0, 8) + (char) ('a' + i) + guess.substring(9)));
            assertThat(r.status()).as("rejected key " + (i + 1) + " of the budget").isEqualTo(401);
        }

        // A forged id is refused by its tag without a lookup, so it stays a 401; a key that needs a lookup waits.
        assertThat(RawHttp.get(base, "/whoami", bearer(guess)).status()).as("a forged id, over the budget").isEqualTo(401);
        RawHttp.Response throttled = RawHttp.get(base, "/whoami", bearer(unseen.token()));
        assertThat(throttled.status()).as("a lookup is refused").isEqualTo(429);
        assertThat(Integer.parseInt(throttled.header("Retry-After"))).isBetween(1, 60);
        assertThat(throttled.header("WWW-Authenticate")).isNull();
        assertErrorBody(throttled, "too_many_failed_attempts");
        assertThat(RawHttp.get(base, "/whoami", bearer(known.token())).status()).as("a key in memory costs no lookup").isEqualTo(200);

        RawHttp.from(newClient());
        assertThat(RawHttp.get(base, "/whoami", bearer(unseen.token())).status()).as("another address").isEqualTo(200);
    }

    @Test
    void aRateLimitedKeyCarriesRateLimitHeadersAndGets429WhenItsWindowIsUsed() {
        IssuedKey k = key();
        store.limits(k.key().id(), dev.pkauth.UsageLimits.NONE.withRateLimit(dev.pkauth.UsageLimits.RateLimit.parse("3/1d")));
        // A day-long window aligned to midnight UTC: at most one boundary can fall inside this test,
        // so the first 429 comes after 3 to 6 passed requests.
        int passed = 0;
        RawHttp.Response r;
        while ((r = RawHttp.get(base, "/whoami", bearer(k.token()))).status() == 200) {
            passed++;
            assertThat(r.header("RateLimit-Policy")).isEqualTo("\"key\";q=3;w=86400");
            assertThat(r.header("RateLimit")).matches("\"key\";r=[0-2];t=\\d+");
            assertThat(passed).as("passed requests before the limit").isLessThanOrEqualTo(6);
        }
        assertThat(passed).isBetween(3, 6);
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("WWW-Authenticate")).isNull();
        assertThat(r.header("RateLimit-Policy")).isEqualTo("\"key\";q=3;w=86400");
        assertThat(r.header("RateLimit")).matches("\"key\";r=0;t=\\d+");
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 86_400L);
        assertErrorBody(r, "rate_limited");
    }

    @Test
    void aKeyOutOfCreditsGets429UsageExceededAndARefusedScopeSpendsNothing() {
        IssuedKey k = key("docs:read");
        store.limits(k.key().id(), dev.pkauth.UsageLimits.NONE.withCredits(2));

        assertThat(RawHttp.get(base, "/scoped", bearer(k.token())).status()).as("lacks docs:write").isEqualTo(403);
        assertThat(RawHttp.get(base, "/whoami", bearer(k.token())).status()).isEqualTo(200);
        RawHttp.Response second = RawHttp.get(base, "/whoami", bearer(k.token()));
        assertThat(second.status()).as("the 403 spent nothing").isEqualTo(200);
        assertThat(second.header("RateLimit")).as("no rate limit, no rate headers").isNull();
        RawHttp.Response out = RawHttp.get(base, "/whoami", bearer(k.token()));

        assertThat(out.status()).isEqualTo(429);
        assertThat(out.header("Retry-After")).as("no refill, no retry").isNull();
        assertThat(out.header("WWW-Authenticate")).isNull();
        assertErrorBody(out, "usage_exceeded");
        assertThat(store.find(k.key().id()).orElseThrow().limits().credits()).isZero();
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void anUnavailableStoreGets503WithRetryAfterNever401Or500() throws Exception {
        String token = key().token();
        db.breakTable();

        RawHttp.Response r = RawHttp.get(base, "/whoami", bearer(token));

        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("Retry-After")).isNotNull();
        assertThat(r.headers()).doesNotContainKey("www-authenticate");
        assertErrorBody(r, "temporarily_unavailable");
        assertThat(RawHttp.get(base, "/whoami").status()).as("no key: still 401").isEqualTo(401);
    }

    // --- helpers ---------------------------------------------------------------------------------

    static void assertInvalidRequest(RawHttp.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.header("WWW-Authenticate")).startsWith("Bearer realm=\"api\", error=\"invalid_request\"");
        assertErrorBody(r, "invalid_request");
    }

    static void assertErrorBody(RawHttp.Response r, String error) {
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.body()).startsWith("{\"error\":\"" + error + "\",\"error_description\":\"");
    }
}
