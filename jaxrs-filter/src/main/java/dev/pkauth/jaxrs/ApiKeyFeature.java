package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyStore;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.util.Objects;

/**
 * pkauth in one line of application code:
 *
 * <pre>{@code
 * new ResourceConfig().register(new ApiKeyFeature(store)).packages("com.example.api");
 * }</pre>
 *
 * Use this or package scanning of {@code dev.pkauth.jaxrs}, not both (the filter would run twice).
 */
public final class ApiKeyFeature implements Feature {
    private final ApiKeyStore store;
    private final String realm;

    /**
     * Registers pkauth's filter and mapper for {@code store}.
     *
     * @param store the key store
     */
    public ApiKeyFeature(ApiKeyStore store) {
        this(store, dev.pkauth.http.Deployment.DEFAULT_REALM);
    }

    /**
     * Registers pkauth's filter and mapper for {@code store}.
     *
     * @param store the key store
     * @param realm the realm of challenges
     */
    public ApiKeyFeature(ApiKeyStore store, String realm) {
        this.store = Objects.requireNonNull(store, "store");
        this.realm = Objects.requireNonNull(realm, "realm");
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new ApiKeyAuthFilter(store, realm));
        context.register(StoreUnavailableMapper.class);
        context.register(AccessRules.class);
        return true;
    }
}
