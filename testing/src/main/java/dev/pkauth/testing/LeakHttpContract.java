package dev.pkauth.testing;

import dev.pkauth.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.AuditEvent;
import dev.pkauth.IssuedKey;
import dev.pkauth.UsageLimits;
import dev.pkauth.http.LeakEndpoint;
import dev.pkauth.http.LeakReport;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a deployment answers when its keys leak, over real HTTP, as each adapter mounts
 * {@link LeakEndpoint}: {@code POST /leaks/github}, {@code POST /leaks/gitlab} and
 * {@code GET /keys/status}, outside pkauth's authentication (reports are signed; the probe checks
 * its token itself). GitHub and GitLab are local stand-ins ({@link LeakReporterStandIn}) whose
 * keys the endpoint fetches from loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class LeakHttpContract {
    protected Path dir;
    protected ApiKeyStore store;
    protected URI base;
    protected LeakReporterStandIn github;
    protected LeakReporterStandIn gitlab;
    protected final List<LeakReport> told = new CopyOnWriteArrayList<>();

    /** The database the keys live on; SQLite unless a subclass says otherwise. */
    protected Backend backend() {
        return Backend.SQLITE;
    }

    /** Starts the deployment with {@code leaks} mounted at {@code /leaks/github}, {@code /leaks/gitlab} and {@code /keys/status}. */
    protected abstract URI start(ApiKeyStore store, LeakEndpoint leaks) throws Exception;

    protected abstract void stop() throws Exception;

    @BeforeAll
    void startDeployment() throws Exception {
        dir = java.nio.file.Files.createTempDirectory("pkauth-leaks-http-");
        store = backend().newBuilder(dir).pepper("leak-http-contract-pepper-0123456789abcdef").build();
        github = new LeakReporterStandIn();
        gitlab = new LeakReporterStandIn();
        LeakEndpoint leaks = LeakEndpoint.builder(store).githubKeysUrl(github.keysUrl()).gitlabKeysUrl(gitlab.keysUrl())
                .listener(told::add).build();
        base = start(store, leaks);
    }

    @AfterAll
    void stopDeployment() throws Exception {
        stop();
        store.close();
        github.close();
        gitlab.close();
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void aClientOfItsOwn() {
        RawHttp.from(null);
        github.down(false);
        gitlab.down(false);
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String alert(String... tokens) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) b.append(',');
            b.append("{\"token\":\"").append(tokens[i]).append("\",\"type\":\"acme_api_key\",")
                    .append("\"url\":\"https://github.com/octocat/hello/blob/abc/config.yml\",\"source\":\"content\"}");
        }
        return b.append(']').toString();
    }

    RawHttp.Response report(String path, LeakReporterStandIn from, String prefix, String body) {
        return RawHttp.request(base, "POST", path, body,
                prefix + "-Public-Key-Identifier: " + from.identifier(), prefix + "-Public-Key-Signature: " + from.sign(body));
    }

    RawHttp.Response github(String body) {
        return report("/leaks/github", github, "Github", body);
    }

    IssuedKey key(String user) {
        return store.create(user, "ci", List.of("docs:read"), null);
    }

    @Test
    void aLiveKeyGitHubReportsIsRevokedAuditedToldAndLabelled() throws Exception {
        IssuedKey k = key("leaky-alice");
        RawHttp.Response r = github(alert(k.token()));

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.body()).isEqualTo("[{\"token_hash\":\"" + sha256(k.token())
                + "\",\"token_type\":\"acme_api_key\",\"label\":\"true_positive\"}]");
        assertThat(store.verify(k.token()).isValid()).as("revoked").isFalse();
        List<AuditEvent> log = store.operations().auditLog(k.key().id(), null, null, 10, null);
        assertThat(log).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("revoke");
            assertThat(e.actor()).isEqualTo("github-secret-scanning");
            assertThat(e.detail()).contains("https://github.com/octocat/hello/blob/abc/config.yml").contains("content");
        });
        assertThat(told).anySatisfy(t -> {
            assertThat(t.key().id()).isEqualTo(k.key().id());
            assertThat(t.revoked()).isTrue();
            assertThat(t.reporter()).isEqualTo("github-secret-scanning");
        });
        assertThat(r.body()).doesNotContain(k.token());
    }

    @Test
    void aWrongOrMissingSignatureIs401AndNothingHappens() {
        IssuedKey k = key("leaky-bob");
        String body = alert(k.token());
        RawHttp.Response wrong = RawHttp.request(base, "POST", "/leaks/github", body,
                "Github-Public-Key-Identifier: " + github.identifier(), "Github-Public-Key-Signature: " + github.sign(body + " "));
        RawHttp.Response missing = RawHttp.request(base, "POST", "/leaks/github", body);
        RawHttp.Response otherReporter = report("/leaks/github", gitlab, "Github", body);

        for (RawHttp.Response r : List.of(wrong, missing, otherReporter)) {
            assertThat(r.status()).as(r.toString()).isEqualTo(401);
            assertThat(r.body()).contains("\"error\":\"invalid_signature\"");
        }
        assertThat(store.verify(k.token()).isValid()).as("still live").isTrue();
    }

    @Test
    void aRotatedKeySetIsFetchedOnceForTheNewIdentifier() {
        github(alert(key("rotating").token())); // the set is fetched and cached
        int fetched = github.fetches();
        github.rotate();
        IssuedKey k = key("leaky-carol");
        RawHttp.Response r = github(alert(k.token()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(store.verify(k.token()).isValid()).isFalse();
        assertThat(github.fetches() - fetched).as("fetches for one unknown identifier").isEqualTo(1);
        RawHttp.Response again = github(alert(key("leaky-carol2").token()));
        assertThat(again.status()).isEqualTo(201);
        assertThat(github.fetches() - fetched).as("the new set is cached").isEqualTo(1);
    }

    @Test
    void aKeyServerThatIsDownLeavesTheLastGoodSetInUse() {
        github(alert(key("cached").token()));
        github.down(true);
        IssuedKey k = key("leaky-dave");
        RawHttp.Response r = github(alert(k.token()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(store.verify(k.token()).isValid()).isFalse();
    }

    @Test
    void aRetriedReportDoesItsWorkOnce() throws Exception {
        IssuedKey k = key("leaky-erin");
        String body = alert(k.token());
        RawHttp.Response first = github(body);
        RawHttp.Response second = github(body);
        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(201);
        assertThat(second.body()).as("still ours, though revoked now").contains("true_positive");
        assertThat(told.stream().filter(t -> t.key().id().equals(k.key().id()))).hasSize(1);
        assertThat(store.operations().auditLog(k.key().id(), null, null, 10, null).stream().filter(e -> e.action().equals("revoke")))
                .hasSize(1);
    }

    @Test
    void aMixedBatchIsLabelledTokenByToken() throws Exception {
        IssuedKey live = key("leaky-frank");
        IssuedKey revoked = key("leaky-frank");
        store.revoke(revoked.key().id());
        String unknown = "pk.key_" + "A".repeat(32) + live.token().substring(39);
        String otherPrefix = "zz" + live.token().substring(2);
        RawHttp.Response r = github(alert(live.token(), revoked.token(), unknown, otherPrefix));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("[" + String.join(",",
                label(live.token(), "true_positive"), label(revoked.token(), "true_positive"),
                label(unknown, "false_positive"), label(otherPrefix, "false_positive")) + "]");
        assertThat(store.verify(live.token()).isValid()).isFalse();
    }

    static String label(String token, String label) throws Exception {
        return "{\"token_hash\":\"" + sha256(token) + "\",\"token_type\":\"acme_api_key\",\"label\":\"" + label + "\"}";
    }

    @Test
    void anOversizedOrBrokenReportIsRefused() {
        // Declared over the limit and refused before a byte of it is read (a client still sending a
        // megabyte would meet the closed connection mid-write, so the test declares without sending).
        RawHttp.Response tooLarge = RawHttp.head(base, "POST", "/leaks/github", "Content-Type: application/json",
                "Content-Length: " + (LeakEndpoint.MAX_BODY_BYTES + 1), "Github-Public-Key-Identifier: " + github.identifier(),
                "Github-Public-Key-Signature: " + github.sign("[]"));
        assertThat(tooLarge.status()).as(tooLarge.toString()).isEqualTo(413);
        assertThat(tooLarge.header("Connection")).isEqualTo("close");
        RawHttp.Response notAnArray = github("{\"token\":\"x\"}");
        assertThat(notAnArray.status()).as(notAnArray.toString()).isEqualTo(400);
        assertThat(notAnArray.body()).contains("JSON array");
    }

    @Test
    void gitLabReportsRevokeToo() {
        IssuedKey k = key("leaky-gina");
        RawHttp.Response r = report("/leaks/gitlab", gitlab, "Gitlab", alert(k.token()));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(store.verify(k.token()).isValid()).isFalse();
        assertThat(store.operations().auditLog(k.key().id(), null, null, 10, null))
                .anySatisfy(e -> assertThat(e.actor()).isEqualTo("gitlab-secret-detection"));
        RawHttp.Response signedByGitHub = report("/leaks/gitlab", github, "Gitlab", alert(key("x").token()));
        assertThat(signedByGitHub.status()).isEqualTo(401);
    }

    @Test
    void theProbeSaysActiveOr401AndNothingElse() {
        IssuedKey k = store.create("probed", KeySpec.of("ci", List.of("docs:read")).limits(UsageLimits.NONE.withCredits(1)));
        RawHttp.Response live = RawHttp.get(base, "/keys/status", "Authorization: Bearer " + k.token());
        assertThat(live.status()).as(live.toString()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"active\":true}");
        assertThat(live.header("Cache-Control")).isEqualTo("no-store");
        RawHttp.Response again = RawHttp.get(base, "/keys/status", "Authorization: Bearer " + k.token());
        assertThat(again.status()).isEqualTo(200);
        store.flush();
        assertThat(store.find(k.key().id()).orElseThrow().lastUsedAt()).as("not a use").isNull();
        assertThat(store.find(k.key().id()).orElseThrow().limits().credits()).as("nothing spent").isEqualTo(1L);

        String unknown = "pk.key_" + "B".repeat(32) + k.token().substring(39);
        for (String header : List.of("Authorization: Bearer " + unknown, "Authorization: Bearer nonsense", "X-None: 1")) {
            RawHttp.Response r = RawHttp.get(base, "/keys/status", header);
            assertThat(r.status()).as(header).isEqualTo(401);
            assertThat(r.body()).doesNotContain("probed").doesNotContain("docs:read");
        }
        store.revoke(k.key().id());
        assertThat(RawHttp.get(base, "/keys/status", "Authorization: Bearer " + k.token()).status()).isEqualTo(401);
    }

    @Test
    void theProbeCountsBadTokensAgainstTheAddress() {
        RawHttp.from("127.0.0.93");
        String unknownBase = "pk.key_" + "%032d" + "." + "B".repeat(43);
        int throttled = 0;
        for (int i = 0; i < 30; i++) {
            String token = String.format(unknownBase, i).replace('0', 'T');
            // Untagged ids are refused without a lookup here, but every refusal counts against the address.
            if (RawHttp.get(base, "/keys/status", "Authorization: Bearer " + token).status() == 429) throttled++;
        }
        IssuedKey fresh = key("probe-neighbour");
        assertThat(RawHttp.get(base, "/keys/status", "Authorization: Bearer " + fresh.token()).status())
                .as("a key not yet in memory, from the spent address").isEqualTo(429);
        RawHttp.from(null);
        assertThat(throttled).isZero();
    }
}
