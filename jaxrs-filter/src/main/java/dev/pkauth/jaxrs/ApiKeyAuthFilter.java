package dev.pkauth.jaxrs;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.AccessRule;
import dev.pkauth.http.AuthFailure;
import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.http.Deployment;
import dev.pkauth.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Configuration;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.Providers;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies {@code Authorization: Bearer pk.…} for JAX-RS resources. Every resource needs a key
 * unless it is {@code @PermitAll}; {@link RequireScopes} and {@code @RolesAllowed} (scopes as
 * roles) answer 403 {@code insufficient_scope} with a challenge; {@code @DenyAll} always 403.
 * The {@code SecurityContext} then answers for the key (see {@link ApiKeyPrincipals}).
 *
 * <p>Registered by package scanning or {@code Application.getClasses()}, it finds its store, in
 * this order ({@link Deployment}'s): a {@code ContextResolver<ApiKeyStore>}, the application
 * property {@value #STORE_PROPERTY}, the ServletContext attribute {@value #STORE_PROPERTY}, or a
 * store of its own from {@code PKAUTH_JDBC_URL}; its realm from the application property
 * {@value #REALM_PROPERTY}, else {@code PKAUTH_REALM}, else {@code api}. Or register it in code:
 * {@code new ApiKeyFeature(store)}.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyAuthFilter implements ContainerRequestFilter, ContainerResponseFilter,
        ExceptionMapper<ClientErrorException> {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ApiKeyAuthFilter.class);
    /** Application property and ServletContext attribute holding the {@link ApiKeyStore}. */
    public static final String STORE_PROPERTY = Deployment.STORE_ATTRIBUTE;
    /** Application property naming the realm; default {@code api}. */
    public static final String REALM_PROPERTY = Deployment.REALM_ATTRIBUTE;
    /** Request property holding the {@link ApiKeyPrincipal}. */
    public static final String PRINCIPAL_PROPERTY = Deployment.PRINCIPAL_ATTRIBUTE;
    /** Request property carrying headers for the response of a passed request (a rate-limited key's RateLimit headers). */
    static final String RESPONSE_HEADERS_PROPERTY = "dev.pkauth.response-headers";

    @Context
    private @Nullable ResourceInfo resourceInfo;
    @Context
    private @Nullable Configuration configuration;
    @Context
    private @Nullable Providers providers;
    @Context
    private @Nullable ServletContext servletContext;
    @Context
    private @Nullable HttpServletRequest servletRequest;
    @Context
    private @Nullable HttpHeaders httpHeaders;

    private volatile @Nullable BearerAuthenticator authenticator;
    /** A store built from the environment, the last place looked: this filter's to close. */
    private @Nullable ApiKeyStore ownedStore;
    /** The {@code PKAUTH_*} settings below the application's own (tests give their own). */
    Settings environment = Settings.fromEnvironment();

    /** For scanning and {@code getClasses()}: the store is found at startup. */
    public ApiKeyAuthFilter() {}

    /**
     * A filter registered in code, for {@code store}.
     *
     * @param store the key store
     * @param realm the realm of challenges
     */
    public ApiKeyAuthFilter(ApiKeyStore store, String realm) {
        this.authenticator = new BearerAuthenticator(Objects.requireNonNull(store, "store"), realm);
    }

    /** Finds the store when the application starts, so a missing one fails deployment, not a request. */
    @PostConstruct
    void findStore() {
        if (authenticator != null) return;
        Object realm = configuration == null ? null : configuration.getProperty(REALM_PROPERTY);
        authenticator = new BearerAuthenticator(lookupStore(), Deployment.realm(realm, environment));
    }

    private ApiKeyStore lookupStore() {
        if (providers != null) {
            ContextResolver<ApiKeyStore> resolver = providers.getContextResolver(ApiKeyStore.class, MediaType.WILDCARD_TYPE);
            ApiKeyStore store = resolver == null ? null : resolver.getContext(ApiKeyAuthFilter.class);
            if (store != null) return store;
        }
        if (configuration != null && configuration.getProperty(STORE_PROPERTY) instanceof ApiKeyStore store) return store;
        Object attribute = servletAttribute();
        if (attribute instanceof ApiKeyStore store) return store;
        java.util.Optional<ApiKeyStore> own = Deployment.storeFromSettings(environment);
        if (own.isPresent()) return ownedStore = own.get();
        throw new IllegalStateException("ApiKeyAuthFilter found no ApiKeyStore. Provide one in any of four ways: "
                + "register a ContextResolver<ApiKeyStore>; set the application property " + STORE_PROPERTY
                + " to the store; put it in the ServletContext attribute " + STORE_PROPERTY
                + " (dev.pkauth.servlet.PkauthContextListener does); or set PKAUTH_JDBC_URL. Or register new ApiKeyFeature(store).");
    }

    private @Nullable Object servletAttribute() {
        try {
            return servletContext == null ? null : servletContext.getAttribute(STORE_PROPERTY);
        } catch (RuntimeException notInAServletContainer) {
            return null;
        }
    }

    /** Closes a store this filter built from the environment. */
    @jakarta.annotation.PreDestroy
    void closeOwnedStore() {
        if (ownedStore != null) ownedStore.close();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        BearerAuthenticator auth = authenticator();
        AccessRules.Bound bound = request.getProperty(AccessRules.Bound.PROPERTY) instanceof AccessRules.Bound b ? b : null;
        Method method = bound != null ? bound.method : resourceInfo == null ? null : resourceInfo.getResourceMethod();
        // pkauth's leak endpoints authenticate their callers themselves: reports by signature, the
        // probe by checking its token without using it (here it would count as a use and be metered).
        if (method != null && method.getDeclaringClass() == LeakResource.class) {
            String address = clientAddress();
            if (address != null) request.setProperty(LeakResource.CLIENT_ADDRESS_PROPERTY, address);
            return;
        }
        if (method != null && signedInsOwn(method.getDeclaringClass(), request)) {
            // The host's signed-in user on the keys page or its endpoints: the resource answers for
            // them (the page asks who signed in; the endpoints check the session's proof of origin).
            request.setProperty(SessionTokens.PROPERTY, new SessionTokens(servletRequest));
            return;
        }
        AccessRule rule = bound != null ? bound.rule : ruleFor(method);
        if (rule == null) {
            // Only a method met after deployment (a sub-resource's) gets here; deployment refused the rest.
            Method m = Objects.requireNonNull(method);
            String where = bound != null && bound.problem != null ? bound.problem
                    : "pkauth: " + m.getDeclaringClass().getName() + "." + m.getName() + ": its annotations make no access rule";
            if (bound != null && bound.logged.compareAndSet(false, true)) {
                log.error("{} (every request of this route answers 500 until the annotation is fixed)", where);
            }
            // Only a caller with a valid key learns of it: anyone else gets the 401 of any protected route.
            AuthOutcome checked = auth.check(request.getHeaders().get(HttpHeaders.AUTHORIZATION), clientAddress());
            AuthFailure failure = checked instanceof AuthOutcome.Rejected rejected ? rejected.failure() : AuthFailure.misconfigured(where);
            request.abortWith(response(failure, unreadBody(request)));
            return;
        }
        AuthOutcome outcome = auth.authenticate(request.getHeaders().get(HttpHeaders.AUTHORIZATION), rule,
                clientAddress());
        if (outcome instanceof AuthOutcome.Rejected rejected) {
            // A valid key refused (scope, address, limit) is still named, for access logs.
            if (rejected.principal() != null) request.setProperty(PRINCIPAL_PROPERTY, rejected.principal());
            request.abortWith(response(rejected.failure(), unreadBody(request)));
        } else if (outcome instanceof AuthOutcome.Authenticated ok) {
            ApiKeyPrincipal principal = ok.principal();
            request.setProperty(PRINCIPAL_PROPERTY, principal);
            request.setProperty(METERED_PROPERTY, principal);
            if (!ok.headers().isEmpty()) request.setProperty(RESPONSE_HEADERS_PROPERTY, ok.headers());
            boolean secure = request.getSecurityContext() != null && request.getSecurityContext().isSecure();
            request.setSecurityContext(new ApiKeySecurityContext(principal, secure));
        }
    }

    /**
     * Whether the request is for the keys page (always the resource's to answer), or for the keys
     * endpoints without a key by the host's signed-in user. A request with a key is checked as on
     * any route, so a bad key is refused, never taken for the session.
     */
    private static boolean signedInsOwn(Class<?> resource, ContainerRequestContext request) {
        if (resource == KeysConsoleResource.class) return true;
        return resource == KeysResource.class && !request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)
                && SessionTokens.signedIn(request.getSecurityContext()) != null;
    }

    /**
     * Request filters run only once a resource method matched, so a request the runtime could not
     * match (404, 405, 406, 415) would tell a caller without a key which routes, methods and media
     * types exist. When no resource method matched, this answers as a protected route would: the
     * key is checked (nothing metered, no scope, since no resource ran) and a request without a
     * valid one gets pkauth's 401 (or 429/503); a valid key gets the runtime's own answer. An
     * exception a matched resource threw goes on to the application's mapper for it, if any.
     *
     * @param e what the runtime or a resource threw
     * @return the answer
     */
    @Override
    public Response toResponse(ClientErrorException e) {
        boolean matched = resourceInfo != null && resourceInfo.getResourceMethod() != null;
        if (!matched) {
            BearerAuthenticator auth = authenticator();
            List<String> headers = httpHeaders == null ? null : httpHeaders.getRequestHeader(HttpHeaders.AUTHORIZATION);
            if (auth.check(headers, clientAddress()) instanceof AuthOutcome.Rejected rejected) {
                HttpServletRequest r = servletRequest;
                boolean unreadBody;
                try {
                    unreadBody = r == null || BearerAuthenticator.closeAfterRefusal(r.getContentLengthLong(),
                            r.getHeader("Transfer-Encoding"));
                } catch (RuntimeException notInAServletContainer) {
                    unreadBody = true;
                }
                return response(rejected.failure(), unreadBody);
            }
        }
        // Not ours to answer: the application's mapper for a wider type, else the runtime's answer.
        if (providers != null) {
            ExceptionMapper<WebApplicationException> wider = providers.getExceptionMapper(WebApplicationException.class);
            if (wider != null && wider != (Object) this) return wider.toResponse(e);
        }
        return e.getResponse();
    }

    /**
     * Adds what the decision asked for to a passed request's response, and gives its credit back
     * when the resource refused it (400, 403, 404, 405: {@link BearerAuthenticator#settle}).
     */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(RESPONSE_HEADERS_PROPERTY) instanceof Map<?, ?> headers) {
            headers.forEach((name, value) -> response.getHeaders().putSingle((String) name, value));
        }
        BearerAuthenticator auth = authenticator;
        if (auth != null && request.getProperty(METERED_PROPERTY) instanceof ApiKeyPrincipal metered) {
            auth.settle(metered, response.getStatus());
        }
    }

    /** The authenticator, finding the store on first use. */
    private BearerAuthenticator authenticator() {
        BearerAuthenticator auth = authenticator;
        if (auth != null) return auth;
        findStore();
        return Objects.requireNonNull(authenticator);
    }

    /** Whether refusing {@code request} leaves a body unread, so the connection must close. */
    private static boolean unreadBody(ContainerRequestContext request) {
        return BearerAuthenticator.closeAfterRefusal(request.getLength(), request.getHeaderString("Transfer-Encoding"));
    }

    /** Set on a request whose key was metered, so the response filter can settle it. */
    private static final String METERED_PROPERTY = ApiKeyAuthFilter.class.getName() + ".metered";

    /** The client's address as the servlet container reports it; {@code null} outside one. */
    private @Nullable String clientAddress() {
        try {
            return servletRequest == null ? null : servletRequest.getRemoteAddr();
        } catch (RuntimeException notInAServletContainer) {
            return null;
        }
    }

    /**
     * The rule of a method {@link AccessRules} did not bind (it is registered by {@link ApiKeyFeature}
     * and by scanning, so only an application registering this filter alone gets here): read from
     * its annotations on each request, or {@code null} when they make none.
     */
    private @Nullable AccessRule ruleFor(@Nullable Method method) {
        if (method == null) return AccessRule.AUTHENTICATED;
        ResourceInfo info = resourceInfo;
        try {
            return ruleOf(method, info == null ? null : info.getResourceClass());
        } catch (IllegalArgumentException e) {
            log.error("pkauth: {}.{}: {}", method.getDeclaringClass().getName(), method.getName(), e.getMessage());
            return null;
        }
    }

    /**
     * The method's {@code @DenyAll}/{@code @PermitAll}/{@code @RolesAllowed} wins over the class's,
     * as in Jakarta Security; {@link RequireScopes} on class and method add up, except that a
     * method's {@code @PermitAll} lifts the class's scopes. A scope requirement is never anonymous.
     */
    static AccessRule ruleOf(Method method, @Nullable Class<?> type) {
        Annotation base = securityAnnotation(method);
        if (base == null && type != null) base = securityAnnotation(type);
        if (base instanceof DenyAll) return AccessRule.DENY_ALL;
        List<String> all = new ArrayList<>();
        boolean methodPermitsAll = method.isAnnotationPresent(PermitAll.class);
        if (type != null && type.isAnnotationPresent(RequireScopes.class) && !methodPermitsAll) {
            all.addAll(Arrays.asList(type.getAnnotation(RequireScopes.class).value()));
        }
        if (method.isAnnotationPresent(RequireScopes.class)) {
            all.addAll(Arrays.asList(method.getAnnotation(RequireScopes.class).value()));
        }
        List<String> any = base instanceof RolesAllowed roles ? Arrays.asList(roles.value()) : List.of();
        return new AccessRule(base instanceof PermitAll && all.isEmpty(), all, any);
    }

    private static @Nullable Annotation securityAnnotation(AnnotatedElement element) {
        for (Class<? extends Annotation> kind : List.of(DenyAll.class, PermitAll.class, RolesAllowed.class)) {
            Annotation a = element.getAnnotation(kind);
            if (a != null) return a;
        }
        return null;
    }

    /** @param unreadBody the request's body was not read: close the connection rather than leave it unusable */
    static Response response(AuthFailure failure, boolean unreadBody) {
        Response.ResponseBuilder b = Response.status(failure.status()).entity(failure.body());
        failure.headers().forEach(b::header);
        if (unreadBody) b.header("Connection", "close");
        return b.build();
    }
}
