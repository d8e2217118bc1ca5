package dev.pkauth.servlet;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Settings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns one {@link ApiKeyStore} for a web application: builds it from {@code pkauth.*}
 * context-params (falling back to {@code PKAUTH_*} environment variables), publishes it as the
 * ServletContext attribute {@value ApiKeyFilter#STORE_ATTRIBUTE} so every filter shares one pool,
 * and closes it (pool and writer thread) when the application stops, so nothing leaks on redeploy.
 *
 * <pre>{@code
 * <listener><listener-class>dev.pkauth.servlet.PkauthContextListener</listener-class></listener>
 * <context-param><param-name>pkauth.jdbc-url</param-name><param-value>jdbc:sqlite:/var/lib/app/keys.db</param-value></context-param>
 * }</pre>
 */
public class PkauthContextListener implements ServletContextListener {
    private static final Logger log = LoggerFactory.getLogger(PkauthContextListener.class);
    private @Nullable ApiKeyStore owned;

    /** For web.xml's {@code <listener>}: the container makes it. */
    public PkauthContextListener() {}

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(ApiKeyFilter.STORE_ATTRIBUTE) != null) {
            log.info("pkauth: {} already holds a store; not building another", ApiKeyFilter.STORE_ATTRIBUTE);
            return;
        }
        Settings settings = ServletSettings.of(context);
        if (settings.get(Settings.JDBC_URL) == null) {
            throw new IllegalStateException("PkauthContextListener needs a database: set the context-param "
                    + ServletSettings.CONTEXT_PREFIX + Settings.JDBC_URL + " or the environment variable "
                    + Settings.environmentName(Settings.JDBC_URL));
        }
        owned = ApiKeyStore.builder().settings(settings).build();
        context.setAttribute(ApiKeyFilter.STORE_ATTRIBUTE, owned);
        log.debug("pkauth: listener published {}", owned); // the store logged its own line at INFO
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (owned == null) return;
        event.getServletContext().removeAttribute(ApiKeyFilter.STORE_ATTRIBUTE);
        owned.close();
        log.info("pkauth: closed {}", owned);
        owned = null;
    }
}
