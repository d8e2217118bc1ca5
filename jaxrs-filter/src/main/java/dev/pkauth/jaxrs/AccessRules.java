package dev.pkauth.jaxrs;

import dev.pkauth.http.AccessRule;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Binds each resource method's {@link AccessRule} with the runtime when it configures the method,
 * as dropwizard-auth's {@code AuthDynamicFeature} binds its filters: a filter registered for that
 * method alone hands the rule to {@link ApiKeyAuthFilter}, so nothing is looked up per request and
 * nothing is shared between applications. A scope that is not one ({@code @RequireScopes("a b")})
 * fails deployment, naming the method, instead of answering 500 on the first request. Methods the
 * runtime configures only when a request first reaches them (those of sub-resources returned by a
 * locator) get a filter carrying the problem: their requests answer pkauth's JSON 500
 * {@code misconfigured} naming the method. Registered by {@link ApiKeyFeature} and by scanning
 * {@code dev.pkauth.jaxrs}.
 */
@Provider
public final class AccessRules implements DynamicFeature {
    /** For scanning and {@link ApiKeyFeature}: the JAX-RS runtime makes it. */
    public AccessRules() {}

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        if (method == null || method.getDeclaringClass() == LeakResource.class || method.getDeclaringClass() == KeysConsoleResource.class) return;
        Class<?> type = resource.getResourceClass();
        try {
            context.register(new Bound(method, ApiKeyAuthFilter.ruleOf(method, type), null));
        } catch (IllegalArgumentException e) {
            String where = "pkauth: " + method.getDeclaringClass().getName() + "." + method.getName() + ": " + e.getMessage();
            // A sub-resource (no @Path of its own, reached through a locator) is configured when a
            // request first reaches it: throwing then would be the runtime's HTML 500. Its requests
            // answer pkauth's JSON 500 naming the method instead.
            if (type != null && !type.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                context.register(new Bound(method, null, where));
                return;
            }
            throw new IllegalStateException(where, e);
        }
    }

    /**
     * One method's rule (or, for a method whose annotations make none, what is wrong), set on each
     * of its requests for {@link ApiKeyAuthFilter}, which runs right after.
     */
    @Priority(Priorities.AUTHENTICATION - 1)
    static final class Bound implements ContainerRequestFilter {
        /** Request property holding the {@link Bound} of the matched method. */
        static final String PROPERTY = Bound.class.getName();

        /**
         * The method it is bound to, so the authentication filter need not ask {@code ResourceInfo}:
         * an injected proxy that costs a request-scope lookup per call (5 % of a Jersey request's
         * samples in a JFR profile, BENCHMARKS.md).
         */
        final Method method;
        final @Nullable AccessRule rule;
        final @Nullable String problem;
        /** Whether the problem was logged: once per method, whatever the traffic. */
        final AtomicBoolean logged = new AtomicBoolean();

        Bound(Method method, @Nullable AccessRule rule, @Nullable String problem) {
            this.method = method;
            this.rule = rule;
            this.problem = problem;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            request.setProperty(PROPERTY, this);
        }
    }
}
