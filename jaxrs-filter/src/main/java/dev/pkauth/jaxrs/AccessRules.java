package dev.pkauth.jaxrs;

import dev.pkauth.http.AccessRule;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds each resource method's {@link AccessRule} when the application deploys, as
 * dropwizard-auth binds its filters: a scope that is not one ({@code @RequireScopes("a b")})
 * fails deployment, naming the method, instead of answering 500 on the first request. Methods
 * the runtime meets only later (those of sub-resources returned by a locator) are bound on first
 * use; a bad rule there answers pkauth's JSON 500 {@code misconfigured} naming the method. Registered by {@link ApiKeyFeature} and by scanning {@code dev.pkauth.jaxrs}.
 */
@Provider
public final class AccessRules implements DynamicFeature {
    /** Rules follow from annotations alone, so one table serves every application in the JVM. */
    private static final Map<Method, AccessRule> RULES = new ConcurrentHashMap<>();

    /** For scanning and {@link ApiKeyFeature}: the JAX-RS runtime makes it. */
    public AccessRules() {}

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (method == null) return;
        try {
            ruleFor(method, resource.getResourceClass());
        } catch (IllegalArgumentException e) {
            // A sub-resource (no @Path of its own, reached through a locator) is configured when a
            // request first reaches it: throwing then would be the runtime's HTML 500. The filter
            // answers pkauth's JSON 500 naming the method instead, on every request of it.
            Class<?> type = resource.getResourceClass();
            if (type != null && !type.isAnnotationPresent(jakarta.ws.rs.Path.class)) return;
            throw new IllegalStateException("pkauth: " + method.getDeclaringClass().getName() + "." + method.getName()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The rule of {@code method} of {@code type}, computed once. */
    static AccessRule ruleFor(Method method, @org.jspecify.annotations.Nullable Class<?> type) {
        return RULES.computeIfAbsent(method, m -> ApiKeyAuthFilter.ruleOf(m, type));
    }
}
