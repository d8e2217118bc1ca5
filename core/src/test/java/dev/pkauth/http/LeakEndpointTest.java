package dev.pkauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.Settings;
import dev.pkauth.testing.LeakReporterStandIn;
import dev.pkauth.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leak endpoint's rules that HTTP cannot show in a test's time: the key server's schedule, the notify policy, settings. */
class LeakEndpointTest {
    final MutableClock clock = MutableClock.startingAt("2026-06-01T00:00:00Z");
    final ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("leak-endpoint-test-pepper-0123456789").build();
    final LeakReporterStandIn github;

    LeakEndpointTest() throws Exception {
        github = new LeakReporterStandIn();
    }

    @AfterEach
    void close() {
        store.close();
        github.close();
    }

    LeakEndpoint endpoint(LeakEndpoint.Policy policy, List<LeakReport> told) {
        return LeakEndpoint.builder(store).githubKeysUrl(github.keysUrl()).policy(policy).listener(told::add).clock(clock).build();
    }

    KeysEndpoint.Answer report(LeakEndpoint leaks, String identifier, String body) {
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        return leaks.report(LeakEndpoint.Reporter.GITHUB, identifier, github.sign(body), raw.length, new ByteArrayInputStream(raw));
    }

    static String alert(String token) {
        return "[{\"token\":\"" + token + "\",\"type\":\"t\",\"url\":\"https://example.test/x\",\"source\":\"content\"}]";
    }

    @Test
    void withTheKeyServerDownAndNoSetYetReportsAre503AndNothingIsRevoked() {
        github.down(true);
        LeakEndpoint leaks = endpoint(LeakEndpoint.Policy.REVOKE, new ArrayList<>());
        IssuedKey k = store.create("alice", null, List.of(), null);
        KeysEndpoint.Answer a = report(leaks, github.identifier(), alert(k.token()));
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.headers()).containsEntry("Retry-After", "60");
        assertThat(store.verify(k.token()).isValid()).isTrue();
        int fetches = github.fetches();
        for (int i = 0; i < 50; i++) report(leaks, github.identifier(), alert(k.token()));
        assertThat(github.fetches()).as("no fetch per report while it is down").isEqualTo(fetches);

        github.down(false);
        clock.advance(Duration.ofSeconds(11));
        assertThat(report(leaks, github.identifier(), alert(k.token())).status()).as("retried after 10 s").isEqualTo(201);
        assertThat(store.verify(k.token()).isValid()).isFalse();
    }

    @Test
    void madeUpIdentifiersCostAtMostFiveFetchesAMinute() {
        LeakEndpoint leaks = endpoint(LeakEndpoint.Policy.REVOKE, new ArrayList<>());
        assertThat(report(leaks, github.identifier(), "[]").status()).isEqualTo(201);
        int fetches = github.fetches();
        for (int i = 0; i < 1000; i++) {
            assertThat(report(leaks, "made-up-" + i, "[]").status()).isEqualTo(401);
        }
        assertThat(github.fetches() - fetches).as("fetches for 1,000 made-up identifiers").isEqualTo(5);
        clock.advance(Duration.ofMinutes(1));
        report(leaks, "made-up-again", "[]");
        assertThat(github.fetches() - fetches).as("the next minute").isEqualTo(6);
    }

    @Test
    void concurrentReportsNamingANewKeyFetchItOnce() throws Exception {
        LeakEndpoint leaks = endpoint(LeakEndpoint.Policy.REVOKE, new ArrayList<>());
        assertThat(report(leaks, github.identifier(), "[]").status()).isEqualTo(201);
        int fetches = github.fetches();
        github.rotate();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return report(leaks, github.identifier(), "[]").status();
                }));
            }
            go.countDown();
            for (Future<Integer> f : answers) assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(201);
        } finally {
            pool.shutdownNow();
        }
        assertThat(github.fetches() - fetches).as("one fetch for 32 simultaneous reports").isEqualTo(1);
    }

    @Test
    void theSetIsFetchedAgainAfterAnHour() {
        LeakEndpoint leaks = endpoint(LeakEndpoint.Policy.REVOKE, new ArrayList<>());
        report(leaks, github.identifier(), "[]");
        int fetches = github.fetches();
        clock.advance(Duration.ofMinutes(59));
        report(leaks, github.identifier(), "[]");
        assertThat(github.fetches()).isEqualTo(fetches);
        clock.advance(Duration.ofMinutes(2));
        report(leaks, github.identifier(), "[]");
        assertThat(github.fetches()).isEqualTo(fetches + 1);
    }

    @Test
    void underNotifyALiveKeyIsReportedOnceAndNotRevoked() {
        List<LeakReport> told = new ArrayList<>();
        LeakEndpoint leaks = endpoint(LeakEndpoint.Policy.NOTIFY, told);
        IssuedKey k = store.create("bob", null, List.of(), null);
        assertThat(report(leaks, github.identifier(), alert(k.token())).body()).contains("true_positive");
        assertThat(report(leaks, github.identifier(), alert(k.token())).status()).isEqualTo(201);
        assertThat(store.verify(k.token()).isValid()).isTrue();
        assertThat(told).hasSize(1);
        assertThat(told.get(0).revoked()).isFalse();
        assertThat(told.get(0).url()).isEqualTo("https://example.test/x");
        assertThat(told.get(0).toString()).doesNotContain(k.token().substring(40));
    }

    @Test
    void anUndeclaredBodyOverTheLimitIs413AndASlowOneIs408() {
        LeakEndpoint leaks = endpoint(LeakEndpoint.Policy.REVOKE, new ArrayList<>());
        byte[] huge = new byte[LeakEndpoint.MAX_BODY_BYTES + 10];
        KeysEndpoint.Answer tooLarge = leaks.report(LeakEndpoint.Reporter.GITHUB, github.identifier(), "x", -1,
                new ByteArrayInputStream(huge));
        assertThat(tooLarge.status()).isEqualTo(413);
        // A body whose every piece arrives a second later: refused once 10 s have passed.
        java.io.InputStream trickle = new java.io.InputStream() {
            int sent;

            @Override
            public int read() {
                clock.advance(Duration.ofSeconds(1));
                return sent++ < 100 ? '[' : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int c = read(); // one byte a piece, as a trickling client sends
                if (c < 0) return -1;
                b[off] = (byte) c;
                return 1;
            }
        };
        KeysEndpoint.Answer slow = leaks.report(LeakEndpoint.Reporter.GITHUB, github.identifier(), "x", 100, trickle);
        assertThat(slow.status()).isEqualTo(408);
        assertThat(slow.headers()).containsEntry("Connection", "close");
    }

    @Test
    void reportsAreCountedByReporterAndOutcome() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        LeakEndpoint leaks = LeakEndpoint.builder(store).githubKeysUrl(github.keysUrl()).meterRegistry(registry).clock(clock).build();
        IssuedKey live = store.create("dan", null, List.of(), null);
        String body = "[{\"token\":\"" + live.token() + "\"},{\"token\":\"" + live.token() + "\"},{\"token\":\"nope\"}]";
        assertThat(report(leaks, github.identifier(), body).status()).isEqualTo(201);
        java.util.function.Function<String, Double> count = outcome -> registry.find("pkauth.leak.reports")
                .tag("reporter", "github-secret-scanning").tag("outcome", outcome).counter().count();
        assertThat(count.apply("revoked")).isEqualTo(1.0);
        assertThat(count.apply("inactive")).as("the same token again, revoked by now").isEqualTo(1.0);
        assertThat(count.apply("unknown")).isEqualTo(1.0);
    }

    @Test
    void settingsNameThePolicyAndTheUrlsAndBadOnesAreRefusedByName() {
        LeakEndpoint fromSettings = LeakEndpoint.builder(store).settings(Settings.of(Map.of(Settings.LEAK_POLICY, "notify",
                Settings.GITHUB_KEYS_URL, github.keysUrl().toString()))).clock(clock).build();
        IssuedKey k = store.create("carol", null, List.of(), null);
        assertThat(report(fromSettings, github.identifier(), alert(k.token())).status()).isEqualTo(201);
        assertThat(store.verify(k.token()).isValid()).as("notify").isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LeakEndpoint.builder(store)
                .settings(Settings.of(Map.of(Settings.LEAK_POLICY, "delete"))).build())
                .hasMessageContaining("leak-policy").hasMessageContaining("revoke or notify");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LeakEndpoint.builder(store)
                .settings(Settings.of(Map.of(Settings.GITLAB_KEYS_URL, "file:///etc/passwd"))).build())
                .hasMessageContaining("gitlab-keys-url");
        KeysEndpoint.Answer gitlab = fromSettings.report(LeakEndpoint.Reporter.GITLAB, "x", "y", 2, new ByteArrayInputStream("[]".getBytes()));
        assertThat(gitlab.status()).as("GitLab without its key URL").isEqualTo(404);
    }
}
