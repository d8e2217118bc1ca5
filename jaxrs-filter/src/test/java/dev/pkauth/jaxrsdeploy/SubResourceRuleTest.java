package dev.pkauth.jaxrsdeploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.jaxrs.ApiKeyFeature;
import dev.pkauth.jaxrs.RequireScopes;
import dev.pkauth.testing.RawHttp;
import dev.pkauth.testing.TomcatServers;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;
import org.apache.catalina.startup.Tomcat;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;

/**
 * A sub-resource's methods are met only when a request reaches them, after deployment: a bad
 * rule there answers pkauth's JSON 500 naming the method (not the runtime's page) to a caller
 * with a valid key, every time; 401 to anyone else; and the rest of the application is unaffected.
 */
class SubResourceRuleTest {
    public static class Reports {
        @GET
        @RequireScopes("reports read")
        public String list() {
            return "never";
        }
    }

    @Path("/")
    public static class Root {
        @Path("reports")
        public Reports reports() {
            return new Reports();
        }

        @GET
        @Path("fine")
        @RequireScopes("docs:read")
        public String fine() {
            return "ok";
        }
    }

    @Test
    void aBadRuleMetAfterDeploymentAnswersJson500NamingTheMethod() throws Exception {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("p").build()) {
            Tomcat tomcat = TomcatServers.start(d -> d.servlet("jersey",
                    new ServletContainer(new ResourceConfig(Root.class).register(new ApiKeyFeature(store))), "/*"));
            try {
                String key = "Authorization: Bearer " + store.create("carol", null, List.of("*"), null).token();
                for (int i = 0; i < 2; i++) {
                    RawHttp.Response r = RawHttp.get(TomcatServers.uri(tomcat), "/reports", key);
                    assertThat(r.status()).as(r.toString()).isEqualTo(500);
                    assertThat(r.header("Content-Type")).startsWith("application/json");
                    assertThat(r.body()).contains("\"error\":\"misconfigured\"", Reports.class.getName() + ".list", "reports read");
                }
                RawHttp.Response anonymous = RawHttp.get(TomcatServers.uri(tomcat), "/reports");
                assertThat(anonymous.status()).as("no key: nothing learnt").isEqualTo(401);
                assertThat(anonymous.body()).doesNotContain("Reports");
                assertThat(RawHttp.get(TomcatServers.uri(tomcat), "/fine", key).body()).isEqualTo("ok");
            } finally {
                TomcatServers.stop(tomcat);
            }
        }
    }
}
