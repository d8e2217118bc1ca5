package dev.pkauth.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.RawHttp;
import jakarta.ws.rs.ext.ContextResolver;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scope annotations, the ways the filter finds its store, and failing fast without one. */
class JaxrsAnnotationsTest {
    final ApiKeyStore store = ApiKeyStore.builder().inMemory().pepper("p").executor(Runnable::run).build();
    Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop();
        store.close();
    }

    URI startScanning() throws Exception {
        server = JerseyServers.start(new ResourceConfig().packages("dev.pkauth.jaxrs"), store);
        return JerseyServers.uri(server);
    }

    String key(String... scopes) {
        return "Authorization: Bearer " + store.create("carol", null, List.of(scopes), null).token();
    }

    @Test
    void classAndMethodScopesAddUp() throws Exception {
        URI base = startScanning();
        assertThat(RawHttp.get(base, "/annotated/base", key("base")).body()).isEqualTo("carol");
        assertThat(RawHttp.get(base, "/annotated/more", key("base")).status()).isEqualTo(403);
        RawHttp.Response r = RawHttp.get(base, "/annotated/more", key("more"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).endsWith("scope=\"base more\"");
        assertThat(RawHttp.get(base, "/annotated/more", key("base", "more")).status()).isEqualTo(200);
    }

    @Test
    void rolesAllowedTakesAnyOneScopeAndAnswersWithAChallenge() throws Exception {
        URI base = startScanning();
        RawHttp.Response denied = RawHttp.get(base, "/annotated/roles", key("base"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.header("WWW-Authenticate")).contains("insufficient_scope", "scope=\"base admin ops\"");
        assertThat(RawHttp.get(base, "/annotated/roles", key("base", "ops")).status()).isEqualTo(200);
        assertThat(RawHttp.get(base, "/annotated/roles").status()).isEqualTo(401);
    }

    @Test
    void denyAllRefusesEvenAWildcardKey() throws Exception {
        URI base = startScanning();
        RawHttp.Response r = RawHttp.get(base, "/annotated/deny", key("*"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).doesNotContain("scope=");
        assertThat(RawHttp.get(base, "/annotated/deny").status()).isEqualTo(401);
    }

    @Test
    void permitAllOnAMethodOverridesTheClassScopes() throws Exception {
        URI base = startScanning();
        assertThat(RawHttp.get(base, "/annotated/permit").body()).isEqualTo("anonymous");
        assertThat(RawHttp.get(base, "/annotated/permit", key()).body()).isEqualTo("carol");
    }

    @Test
    void theStoreCanComeFromAnApplicationProperty() throws Exception {
        server = JerseyServers.start(new ResourceConfig().packages("dev.pkauth.jaxrs")
                .property(ApiKeyAuthFilter.STORE_PROPERTY, store), null);
        assertThat(RawHttp.get(JerseyServers.uri(server), "/whoami", key()).status()).isEqualTo(200);
    }

    @Test
    void theStoreCanComeFromAContextResolver() throws Exception {
        ContextResolver<ApiKeyStore> resolver = new StoreResolver(store);
        server = JerseyServers.start(new ResourceConfig().packages("dev.pkauth.jaxrs").register(resolver), null);
        assertThat(RawHttp.get(JerseyServers.uri(server), "/whoami", key()).status()).isEqualTo(200);
    }

    @Test
    void theFeatureRegistersEverythingInOneLine() throws Exception {
        server = JerseyServers.start(new ResourceConfig(dev.pkauth.jaxrs.app.ContractResource.class)
                .register(new ApiKeyFeature(store, "docs")), null);
        URI base = JerseyServers.uri(server);
        assertThat(RawHttp.get(base, "/whoami", key()).status()).isEqualTo(200);
        assertThat(RawHttp.get(base, "/whoami").header("WWW-Authenticate")).isEqualTo("Bearer realm=\"docs\"");
    }

    @Test
    void withoutAStoreStartupFailsNamingTheThreeWays() {
        assertThatThrownBy(() -> server = JerseyServers.start(new ResourceConfig().packages("dev.pkauth.jaxrs"), null))
                .rootCause()
                .hasMessageContaining("ContextResolver<ApiKeyStore>")
                .hasMessageContaining("application property dev.pkauth.store")
                .hasMessageContaining("ServletContext attribute dev.pkauth.store");
    }

    @jakarta.ws.rs.ext.Provider
    static final class StoreResolver implements ContextResolver<ApiKeyStore> {
        private final ApiKeyStore store;

        StoreResolver(ApiKeyStore store) {
            this.store = store;
        }

        @Override
        public ApiKeyStore getContext(Class<?> type) {
            return store;
        }
    }
}
