package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Settings;
import java.util.Optional;

/**
 * What every integration shares about where it runs: the names it publishes the store and the
 * principal under, its default realm and scheme, and one order for finding its realm and store.
 *
 * <p>The order, the same for the Servlet filter, the JAX-RS filter and Spring: what the
 * integration was given in code or in its own configuration (init-params, application
 * properties, Spring properties); then the container's shared store ({@value #STORE_ATTRIBUTE});
 * then the {@code PKAUTH_*} environment ({@link #realm}, {@link #storeFromSettings}).
 */
public final class Deployment {
    private Deployment() {}

    /** The realm of challenges when none is configured. */
    public static final String DEFAULT_REALM = "api";
    /** The authentication scheme: what {@code getAuthType()} answers and challenges name. */
    public static final String SCHEME = "Bearer";
    /** ServletContext attribute and JAX-RS application property holding a shared {@link ApiKeyStore}. */
    public static final String STORE_ATTRIBUTE = "dev.pkauth.store";
    /** Request attribute (and JAX-RS request property) holding the request's {@link dev.pkauth.ApiKeyPrincipal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.pkauth.principal";
    /** JAX-RS application property naming the realm. */
    public static final String REALM_ATTRIBUTE = "dev.pkauth.realm";

    /**
     * The realm: {@code configured} when the integration's own configuration names one, else the
     * settings' {@code realm} ({@code PKAUTH_REALM}), else {@value #DEFAULT_REALM}.
     *
     * @param configured the integration's own setting, or {@code null}
     * @param settings the settings below it (usually the environment)
     * @return the realm, not yet validated ({@link BearerAuthenticator} checks it)
     */
    public static String realm(@Nullable Object configured, Settings settings) {
        if (configured != null && !configured.toString().isBlank()) return configured.toString();
        return settings.get(Settings.REALM, DEFAULT_REALM);
    }

    /**
     * The last place a store is looked for: a store of its own built from the settings'
     * {@code jdbc-url} ({@code PKAUTH_JDBC_URL}), which the caller owns and closes.
     *
     * @param settings the settings (usually the environment)
     * @return the store, or empty when the settings name no database
     */
    public static Optional<ApiKeyStore> storeFromSettings(Settings settings) {
        if (settings.get(Settings.JDBC_URL) == null) return Optional.empty();
        return Optional.of(ApiKeyStore.builder().settings(settings).build());
    }
}
