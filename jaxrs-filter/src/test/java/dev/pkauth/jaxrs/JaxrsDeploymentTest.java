package dev.pkauth.jaxrs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.Settings;
import dev.pkauth.testing.RawHttp;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JAX-RS filter finds its realm and store in the order the Servlet filter does
 * ({@link dev.pkauth.http.Deployment}): with nothing given in code or in the application, the
 * {@code PKAUTH_*} environment.
 */
class JaxrsDeploymentTest {
    @TempDir
    Path dir;

    @Test
    void withNothingElseGivenTheEnvironmentNamesTheRealmAndTheStore() throws Exception {
        ApiKeyAuthFilter filter = new ApiKeyAuthFilter();
        filter.environment = Settings.of(Map.of(Settings.REALM, "from-env", Settings.JDBC_URL, "jdbc:sqlite:" + dir.resolve("env.db"),
                Settings.PEPPER, "deployment-test-pepper"));
        Server server = JerseyServers.start(new ResourceConfig().register(filter).register(dev.pkauth.jaxrs.app.ContractResource.class), null);
        try {
            RawHttp.Response r = RawHttp.get(JerseyServers.uri(server), "/whoami");
            assertThat(r.status()).as(r.toString()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"from-env\"");
        } finally {
            server.stop();
            filter.closeOwnedStore();
        }
    }
}
