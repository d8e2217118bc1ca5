package dev.pkauth.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes a new user makes in web.xml stop the deployment, naming the cause, instead of
 * deploying with a check silently dropped. Each is a real webapp deployed by Jetty.
 */
class MisconfiguredWebappTest {
    @TempDir
    Path dir;

    Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop();
    }

    @Test
    void aMisspelledInitParamStopsTheDeploymentNamingTheNearestKnownOne() throws Exception {
        String webXml = webXml("", filter("<init-param><param-name>jdbc-url</param-name><param-value>jdbc:sqlite:"
                + dir.resolve("keys.db") + "</param-value></init-param>"
                + "<init-param><param-name>required-scope</param-name><param-value>docs:write</param-value></init-param>"));
        assertThatThrownBy(() -> deploy(webXml)).hasStackTraceContaining(
                "ApiKeyFilter scoped: unknown init-param \"required-scope\" (did you mean required-scopes?)");
        assertThat(dir.resolve("keys.db")).as("refused before opening a store").doesNotExist();
    }

    @Test
    void aMisspelledContextParamStopsTheListener() throws Exception {
        String webXml = webXml("<context-param><param-name>pkauth.jdbc-ulr</param-name><param-value>jdbc:sqlite:"
                + dir.resolve("keys.db") + "</param-value></context-param>"
                + "<listener><listener-class>dev.pkauth.servlet.PkauthContextListener</listener-class></listener>", "");
        assertThatThrownBy(() -> deploy(webXml))
                .hasStackTraceContaining("unknown context-param pkauth.… \"jdbc-ulr\" (did you mean jdbc-url?)");
    }

    @Test
    void anUnresolvedPlaceholderIsNeverThePepper() throws Exception {
        String webXml = webXml("", filter("<init-param><param-name>jdbc-url</param-name><param-value>jdbc:sqlite:"
                + dir.resolve("keys.db") + "</param-value></init-param>"
                + "<init-param><param-name>pepper</param-name><param-value>${PKAUTH_PEPPER}</param-value></init-param>"));
        assertThatThrownBy(() -> deploy(webXml)).hasStackTraceContaining(
                "holds the placeholder ${PKAUTH_PEPPER}, which was not resolved: PKAUTH_PEPPER is not set");
    }

    @Test
    void aParamWithNoNearNameSaysWhatIsKnown() throws Exception {
        String webXml = webXml("", filter("<init-param><param-name>frobnicate</param-name><param-value>1</param-value></init-param>"));
        assertThatThrownBy(() -> deploy(webXml))
                .hasStackTraceContaining("unknown init-param \"frobnicate\"; known: jdbc-url, ")
                .hasStackTraceContaining("anonymous, required-scopes");
    }

    private void deploy(String webXml) throws Exception {
        Path webapp = Files.createDirectories(dir.resolve("webapp/WEB-INF"));
        Files.writeString(webapp.resolve("web.xml"), webXml);
        WebAppContext context = new WebAppContext();
        context.setContextPath("/");
        context.setWar(webapp.getParent().toString());
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        Server s = new Server(0);
        s.setHandler(context);
        server = s;
        s.start();
    }

    private static String filter(String params) {
        return "<filter><filter-name>scoped</filter-name><filter-class>dev.pkauth.servlet.ApiKeyFilter</filter-class>"
                + params + "</filter><filter-mapping><filter-name>scoped</filter-name><url-pattern>/*</url-pattern></filter-mapping>";
    }

    private static String webXml(String contextParts, String filterParts) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">%s%s
                  <servlet><servlet-name>whoami</servlet-name><servlet-class>dev.pkauth.servlet.WhoamiServlet</servlet-class></servlet>
                  <servlet-mapping><servlet-name>whoami</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
                </web-app>
                """.formatted(contextParts, filterParts);
    }
}
