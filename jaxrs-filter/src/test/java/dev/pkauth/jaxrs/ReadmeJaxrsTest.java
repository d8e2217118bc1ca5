package dev.pkauth.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.RawHttp;
import dev.pkauth.testing.Readme;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/** The README's JAX-RS snippet, run in Jersey on a real Jetty. */
class ReadmeJaxrsTest {
    // README:jaxrs-resource:start
    @Path("docs")
    @RequireScopes("docs:read")                     // every method needs docs:read ...
    public static class DocsResource {
        @GET
        public String list(@Context SecurityContext security) {
            ApiKeyPrincipal caller = ApiKeyPrincipals.require(security);
            return "docs of " + caller.userId();
        }

        @POST
        @RequireScopes("docs:write")                // ... and this one docs:write too
        public String create() {
            return "created";
        }
    }
    // README:jaxrs-resource:end

    @Test
    void theJaxrsExampleWorks() throws Exception {
        try (ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("p").build()) {
            // README:jaxrs:start
            ResourceConfig app = new ResourceConfig(DocsResource.class)
                    .register(new ApiKeyFeature(store));    // or scan dev.pkauth.jaxrs and publish the store
            // README:jaxrs:end
            Server server = JerseyServers.start(app, null);
            try {
                URI base = JerseyServers.uri(server);
                String reader = "Authorization: Bearer " + store.create("alice", null, List.of("docs:read"), null).token();
                assertThat(RawHttp.get(base, "/docs", reader).body()).isEqualTo("docs of alice");
                assertThat(RawHttp.request(base, "POST", "/docs", "{}", reader).status()).isEqualTo(403);
                assertThat(RawHttp.get(base, "/docs").status()).isEqualTo(401);
            } finally {
                server.stop();
            }
        }
        Readme.assertShows(ReadmeJaxrsTest.class, "jaxrs");
        Readme.assertShows(ReadmeJaxrsTest.class, "jaxrs-resource");
    }
}
