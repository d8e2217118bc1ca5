package dev.pkauth.servlet;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Settings;
import dev.pkauth.http.AccessRule;
import dev.pkauth.http.AuthFailure;
import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.Deployment;
import dev.pkauth.http.BearerAuthenticator;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies {@code Authorization: Bearer pk.…} and lets the request through as the key's user, or
 * answers 400/401/403/503 the RFC 6750 way. On success {@code getUserPrincipal()} is an
 * {@link ApiKeyPrincipal}, {@code getRemoteUser()} the user id, {@code isUserInRole(scope)} checks
 * scopes, {@code getAuthType()} is {@code "Bearer"}, and the principal is also the request
 * attribute {@value #PRINCIPAL_ATTRIBUTE}.
 *
 * <p>In code (embedded Jetty):
 * <pre>{@code
 * context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).requiredScopes("docs:read").build()),
 *         "/api/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 *
 * <p>In web.xml, with init-params {@code jdbc-url}, {@code table}, {@code realm},
 * {@code anonymous}, {@code required-scopes} (comma- or space-separated), or with no store
 * parameters at all when a {@link PkauthContextListener} (or the host application) put a store in
 * the ServletContext attribute {@value #STORE_ATTRIBUTE}.
 */
public class ApiKeyFilter implements Filter {
    /** ServletContext attribute holding a shared {@link ApiKeyStore}. */
    public static final String STORE_ATTRIBUTE = Deployment.STORE_ATTRIBUTE;
    /** Request attribute holding the {@link ApiKeyPrincipal} of an authenticated request. */
    public static final String PRINCIPAL_ATTRIBUTE = Deployment.PRINCIPAL_ATTRIBUTE;
    /** What {@code getAuthType()} answers. */
    public static final String AUTH_TYPE = Deployment.SCHEME;
    static final String ANONYMOUS = "anonymous";
    static final String REQUIRED_SCOPES = "required-scopes";
    private static final Logger log = LoggerFactory.getLogger(ApiKeyFilter.class);

    private final @Nullable ApiKeyStore givenStore;
    private @Nullable BearerAuthenticator authenticator;
    private @Nullable AccessRule rule;
    private @Nullable ApiKeyStore ownedStore;

    /** For web.xml: configured in {@link #init(FilterConfig)}. */
    public ApiKeyFilter() {
        this(null, null, null);
    }

    /**
     * Requires a key (any scope) on every request, realm {@code api}.
     *
     * @param store the key store
     */
    public ApiKeyFilter(ApiKeyStore store) {
        this(Objects.requireNonNull(store, "store"), Deployment.DEFAULT_REALM, AccessRule.AUTHENTICATED);
    }

    private ApiKeyFilter(@Nullable ApiKeyStore store, @Nullable String realm, @Nullable AccessRule rule) {
        this.givenStore = store;
        if (store != null) {
            this.authenticator = new BearerAuthenticator(store, Objects.requireNonNullElse(realm, Deployment.DEFAULT_REALM));
            this.rule = Objects.requireNonNullElse(rule, AccessRule.AUTHENTICATED);
        }
    }

    /**
     * A filter configured in code.
     *
     * @param store the key store
     * @return the builder
     */
    public static Builder builder(ApiKeyStore store) {
        return new Builder(store);
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (givenStore != null) return;
        Settings settings;
        try {
            settings = ServletSettings.of(config, List.of(ANONYMOUS, REQUIRED_SCOPES));
        } catch (IllegalStateException e) {
            throw new ServletException(e.getMessage(), e);
        }
        String realm = Deployment.realm(null, settings);
        boolean anonymous = parseBoolean(config.getInitParameter(ANONYMOUS), ANONYMOUS);
        try {
            rule = new AccessRule(anonymous, parseScopes(config.getInitParameter(REQUIRED_SCOPES)), List.of());
        } catch (IllegalArgumentException e) {
            throw new ServletException("ApiKeyFilter " + config.getFilterName() + ": init-params " + ANONYMOUS + " and "
                    + REQUIRED_SCOPES + ": " + e.getMessage(), e);
        }

        ApiKeyStore store;
        if (config.getInitParameter(Settings.JDBC_URL) != null) {
            store = ownedStore = ApiKeyStore.builder().settings(settings).build();
        } else if (config.getServletContext().getAttribute(STORE_ATTRIBUTE) instanceof ApiKeyStore shared) {
            store = shared;
        } else if ((ownedStore = Deployment.storeFromSettings(settings).orElse(null)) != null) {
            store = ownedStore;
        } else {
            throw new ServletException("ApiKeyFilter " + config.getFilterName() + " has no key store: set its init-param "
                    + Settings.JDBC_URL + ", register " + PkauthContextListener.class.getName()
                    + " (context-param pkauth.jdbc-url), or put an ApiKeyStore in the ServletContext attribute "
                    + STORE_ATTRIBUTE);
        }
        authenticator = new BearerAuthenticator(store, realm);
        log.debug("pkauth: filter {} ready on {} ({})", config.getFilterName(), store, rule);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        BearerAuthenticator authenticator = this.authenticator;
        AccessRule rule = this.rule;
        if (authenticator == null || rule == null) throw new ServletException("ApiKeyFilter was not initialised");
        List<String> headers = Collections.list(request.getHeaders("Authorization"));
        AuthOutcome outcome = authenticator.authenticate(headers, rule, request.getRemoteAddr());
        if (outcome instanceof AuthOutcome.Authenticated ok) {
            ApiKeyPrincipal principal = ok.principal();
            ok.headers().forEach(response::setHeader);
            request.setAttribute(PRINCIPAL_ATTRIBUTE, principal);
            request.setAttribute(Deployment.REALM_ATTRIBUTE, authenticator.realm());
            chain.doFilter(new ApiKeyRequest(request, principal), response);
            authenticator.settle(principal, response.getStatus());
        } else if (outcome instanceof AuthOutcome.Rejected rejected) {
            // A valid key refused (scope, address, limit) is still named, for access logs.
            if (rejected.principal() != null) request.setAttribute(PRINCIPAL_ATTRIBUTE, rejected.principal());
            Refusals.write(request, response, rejected.failure());
        } else {
            chain.doFilter(request, response);
        }
    }

    /**
     * A servlet's own scope check, answered the pkauth way: true when the request's key holds
     * every one of {@code scopes} (wildcards count, as in {@link ApiKeyPrincipal#hasScope});
     * otherwise the response is pkauth's 403 {@code insufficient_scope} (challenge naming the
     * scopes, JSON body, {@code no-store}) and the servlet returns. A request this filter did not
     * authenticate gets 401 with a challenge: a servlet mapped outside the filter fails closed.
     *
     * <pre>{@code
     * if (!ApiKeyFilter.requireScopes(request, response, "docs:write")) return;
     * }</pre>
     *
     * @param request the request, after this filter
     * @param response its response, not yet committed
     * @param scopes the scopes the servlet needs
     * @return whether the servlet may go on
     * @throws IOException when the refusal cannot be written
     */
    public static boolean requireScopes(HttpServletRequest request, HttpServletResponse response, String... scopes)
            throws IOException {
        AccessRule rule = AccessRule.requireScopes(List.of(scopes)); // each scope checked as everywhere else
        String realm = request.getAttribute(Deployment.REALM_ATTRIBUTE) instanceof String r ? r : Deployment.DEFAULT_REALM;
        AuthFailure refusal = request.getAttribute(PRINCIPAL_ATTRIBUTE) instanceof ApiKeyPrincipal principal
                ? BearerAuthenticator.authorize(principal, rule, realm)
                : AuthFailure.missingCredentials(realm);
        if (refusal == null) return true;
        Refusals.write(request, response, refusal);
        return false;
    }

    @Override
    public void destroy() {
        if (ownedStore != null) {
            ownedStore.close();
            ownedStore = null;
        }
    }

    @Override
    public String toString() {
        return "ApiKeyFilter[" + (rule == null ? "uninitialised" : rule) + "]";
    }

    private static boolean parseBoolean(@Nullable String value, String name) throws ServletException {
        if (value == null || value.isBlank()) return false;
        try {
            return Settings.parseBoolean(value, "init-param " + name);
        } catch (IllegalStateException e) {
            throw new ServletException(e.getMessage(), e);
        }
    }

    /** Comma- or space-separated scopes; {@link AccessRule} checks each. */
    static List<String> parseScopes(@Nullable String value) {
        if (value == null || value.isBlank()) return List.of();
        return Arrays.asList(value.strip().split("[,\\s]+"));
    }

    /** An {@link ApiKeyFilter} configured in code. */
    public static final class Builder {
        private final ApiKeyStore store;
        private String realm = Deployment.DEFAULT_REALM;
        private boolean anonymous;
        private List<String> scopes = List.of();

        private Builder(ApiKeyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Realm of the challenges; default {@code api}. Checked by {@link #build()}.
         *
         * @param realm the realm of challenges
         * @return this builder
         */
        public Builder realm(String realm) {
            this.realm = Objects.requireNonNull(realm, "realm");
            return this;
        }

        /**
         * Let requests without credentials through unauthenticated (a presented key is still checked).
         *
         * @param anonymous whether requests without credentials pass unauthenticated
         * @return this builder
         */
        public Builder anonymous(boolean anonymous) {
            this.anonymous = anonymous;
            return this;
        }

        /**
         * Every request needs a key holding all of these scopes.
         *
         * @param scopes the scopes to grant
         * @return this builder
         */
        public Builder requiredScopes(String... scopes) {
            this.scopes = Arrays.asList(scopes);
            return this;
        }

        /**
         * @throws IllegalArgumentException for a bad realm or scope, or anonymous access with required scopes
         *
         * @return the filter
         */
        public ApiKeyFilter build() {
            return new ApiKeyFilter(store, realm, new AccessRule(anonymous, scopes, List.of()));
        }
    }
}
