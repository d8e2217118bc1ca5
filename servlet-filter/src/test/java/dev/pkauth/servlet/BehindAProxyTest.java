package dev.pkauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IpAllowlist;
import dev.pkauth.KeySpec;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.RawHttp;
import dev.pkauth.testing.TomcatServers;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.RemoteIpValve;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trusted-proxy setup the README gives for Tomcat: {@code RemoteIpValve} with the proxy as
 * its only internal proxy. Requests come from 127.0.0.1 (the "proxy"), each with an
 * {@code X-Forwarded-For} whose leftmost values the client chose and whose rightmost value the
 * proxy appended: the budget of rejected keys and the allowlists see the proxy's value, so a
 * client cannot pick its own address.
 */
class BehindAProxyTest {
    @TempDir
    Path dir;

    ApiKeyStore store;
    Tomcat tomcat;
    URI base;

    @BeforeEach
    void start() throws Exception {
        store = ApiKeyStore.builder().jdbcUrl(Backend.sqliteUrl(dir)).pepper("behind-a-proxy").build();
        RemoteIpValve valve = new RemoteIpValve();
        valve.setInternalProxies("127\\.0\\.0\\.1");
        tomcat = TomcatServers.start(d -> d.valve(valve)
                .filter("pkauth", new ApiKeyFilter(store), "/whoami")
                .servlet("whoami", new WhoamiServlet(), "/*"));
        base = TomcatServers.uri(tomcat);
        RawHttp.from(null);
    }

    @AfterEach
    void stop() throws Exception {
        TomcatServers.stop(tomcat);
        store.close();
    }

    private RawHttp.Response call(String token, String forwardedFor) {
        return RawHttp.get(base, "/whoami", "Authorization: Bearer " + token, "X-Forwarded-For: " + forwardedFor);
    }

    @Test
    void aClientCannotBuyFreshBudgetsWithForwardedForValuesItWrites() {
        for (int i = 0; i < 20; i++) {
            String guess = "pk.key_" + String.format("%032d", i).replace('0', 'Q') + "." + "B".repeat(43);
            assertThat(call(guess, "10.0.0." + i + ", 198.51.100.7").status()).isEqualTo(401);
        }
        // A real key not yet in memory needs a lookup: that is what a spent budget refuses.
        String unseen = store.create("carol", null, List.of(), null).token();
        RawHttp.Response throttled = call(unseen, "10.9.9.9, 198.51.100.7");
        assertThat(throttled.status()).as(throttled.toString()).isEqualTo(429);
        assertThat(throttled.body()).contains("too_many_failed_attempts");
        assertThat(call(unseen, "198.51.100.8").status()).as("another client behind the proxy").isEqualTo(200);
    }

    @Test
    void allowlistsSeeTheAddressTheProxyAppended() {
        String office = store.create("alice", KeySpec.of("office", List.of()).allowedIps(IpAllowlist.parse("198.51.100.0/24")))
                .token();
        assertThat(call(office, "203.0.113.9, 198.51.100.7").status()).isEqualTo(200);
        RawHttp.Response spoofed = call(office, "198.51.100.7, 203.0.113.9");
        assertThat(spoofed.status()).as("the client's own leftmost value is not its address: " + spoofed).isEqualTo(403);
        assertThat(spoofed.body()).contains("ip_not_allowed");
    }
}
