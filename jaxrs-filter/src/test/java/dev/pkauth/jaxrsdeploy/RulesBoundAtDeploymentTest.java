package dev.pkauth.jaxrsdeploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.jaxrs.AccessRules;
import dev.pkauth.jaxrs.RequireScopes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Test;

/**
 * {@link AccessRules} binds each resource method's rule when the application deploys: a bad
 * annotation stops the deployment naming the method, rather than answering the first request
 * with 500. (Outside {@code dev.pkauth.jaxrs}, so the scanning tests never meet the bad resource.)
 */
class RulesBoundAtDeploymentTest {
    @Path("bad")
    public static class BadScopes {
        @GET
        @RequireScopes("docs read")
        public String list() {
            return "never";
        }
    }

    @Path("good")
    public static class GoodScopes {
        @GET
        @RequireScopes("docs:read")
        public String list() {
            return "ok";
        }
    }

    @Test
    void aScopeThatIsNotOneFailsTheDeploymentNamingTheMethod() {
        ResourceConfig app = new ResourceConfig(BadScopes.class).register(AccessRules.class);

        assertThatThrownBy(() -> new ApplicationHandler(app))
                .hasStackTraceContaining("BadScopes.list")
                .hasStackTraceContaining("docs read");
    }

    @Test
    void goodRulesDeploy() {
        ApplicationHandler handler = new ApplicationHandler(new ResourceConfig(GoodScopes.class).register(AccessRules.class));
        assertThat(handler.getConfiguration().getClasses()).contains(AccessRules.class);
    }
}
