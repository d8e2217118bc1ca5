package dev.pkauth.spring;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.AuthFailure;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.http.KeysEndpoint;
import org.springframework.security.web.csrf.CsrfException;
import dev.pkauth.servlet.Refusals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ApplicationContext;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorityAuthorizationDecision;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.authentication.AuthenticationEventPublisher;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.DefaultAuthenticationEventPublisher;
import org.springframework.security.authentication.ProviderManager;
import java.util.Objects;

/**
 * API-key authentication in a Spring Security filter chain, in one line:
 *
 * <pre>{@code
 * @Bean
 * SecurityFilterChain api(HttpSecurity http) throws Exception {
 *     return http
 *             .authorizeHttpRequests(a -> a
 *                     .requestMatchers(HttpMethod.POST, "/api/docs").hasAuthority("SCOPE_docs:write")
 *                     .anyRequest().authenticated())
 *             .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
 *             .build();
 * }
 * }</pre>
 *
 * <p>A valid key becomes an {@link ApiKeyAuthentication} with authorities {@code SCOPE_<scope>};
 * with the starter's {@link ScopeAuthorizationManagerFactory}, {@code hasAuthority} honours the
 * {@code *} and {@code X:*} wildcards. Answers are core's, the same as the Servlet and JAX-RS
 * filters': 401 with a challenge when a rule needs a key and none came, 400/401 for a bad one,
 * 403 {@code insufficient_scope} naming the required scopes, 403 {@code ip_not_allowed}, 429 for
 * usage limits (spent only once the URL rules let the request through), 503 with
 * {@code Retry-After} when the store cannot answer.
 *
 * <p>By default the chain is stateless: no session is created or read, and since no cookie then
 * authenticates anything, CSRF protection is off for it. {@link #stateful()} keeps sessions and
 * CSRF for a chain that also logs browsers in, exempting only requests that carry a Bearer key.
 */
public final class PkauthConfigurer extends AbstractHttpConfigurer<PkauthConfigurer, HttpSecurity> {

    private @Nullable ApiKeyStore store;
    private @Nullable String realm;
    private boolean stateless = true;
    private boolean applied;
    private @Nullable BearerAuthenticator authenticator;
    private @Nullable AuthenticationManager authenticationManager;
    private @Nullable ApiKeyEntryPoint entryPoint;

    private PkauthConfigurer() {}

    /** @return a configurer that finds the {@link ApiKeyStore} bean and {@code pkauth.realm} in the context */
    public static PkauthConfigurer pkauth() {
        return new PkauthConfigurer();
    }

    /**
     * @param store the store to verify keys with, instead of the context's {@link ApiKeyStore} bean
     * @return this
     */
    public PkauthConfigurer store(ApiKeyStore store) {
        this.store = store;
        return this;
    }

    /**
     * @param realm the realm of challenges, instead of {@code pkauth.realm} (default {@code api})
     * @return this
     */
    public PkauthConfigurer realm(String realm) {
        this.realm = realm;
        return this;
    }

    /**
     * Verifies keys with {@code manager} instead of the chain's own {@code ProviderManager}: for an
     * application that composes its authentication providers itself. The manager must hold an
     * {@link ApiKeyAuthenticationProvider} (for the same store and realm).
     *
     * @param manager the authentication manager
     * @return this
     */
    public PkauthConfigurer authenticationManager(AuthenticationManager manager) {
        this.authenticationManager = manager;
        return this;
    }

    /**
     * Keeps the chain's session management and CSRF protection as they are, exempting from CSRF
     * only requests that carry a Bearer key (a browser form cannot send one). A write on a session
     * without a valid CSRF token answers 403 {@code {"error":"csrf"}}, and a request with neither
     * a session nor a key 401 with a challenge. Tokens are Spring's default masked ones, with a
     * tampered token refused as wrong (not a 500); a {@code csrfTokenRequestHandler} of your own
     * configured after {@code with(pkauth().stateful(), …)} takes its place.
     *
     * @return this
     */
    public PkauthConfigurer stateful() {
        if (applied) throw new IllegalStateException("call stateful() on pkauth() before with(…): http.with(pkauth().stateful(), …)");
        this.stateless = false;
        return this;
    }

    /**
     * Sessions and CSRF are settled as soon as the configurer joins the chain, before any
     * configurer initialises: session management decides at its own initialisation how the
     * chain keeps security contexts and saved requests.
     */
    @Override
    public void setBuilder(HttpSecurity http) {
        super.setBuilder(http);
        applied = true;
        if (stateless) {
            http.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
            http.csrf(AbstractHttpConfigurer::disable);
        } else {
            http.csrf(csrf -> csrf.ignoringRequestMatchers(ApiKeyAuthenticationConverter.BEARER)
                    .csrfTokenRequestHandler(new TamperTolerantCsrfTokens()));
        }
    }

    @Override
    public void init(HttpSecurity http) {
        ApplicationContext context = http.getSharedObject(ApplicationContext.class);
        ApiKeyStore s = store != null ? store : context.getBean(ApiKeyStore.class);
        String r = realm;
        if (r == null) {
            PkauthProperties properties = context.getBeanProvider(PkauthProperties.class).getIfAvailable();
            r = properties == null ? dev.pkauth.http.Deployment.DEFAULT_REALM : properties.realmOrDefault();
        }
        BearerAuthenticator auth = new BearerAuthenticator(s, r);
        authenticator = auth;
        ApiKeyEntryPoint entry = new ApiKeyEntryPoint(auth.realm());
        entryPoint = entry;
        if (authenticationManager == null) {
            ProviderManager manager = new ProviderManager(new ApiKeyAuthenticationProvider(auth));
            // Spring's authentication events (success, bad credentials) fire for keys as for any login.
            AuthenticationEventPublisher events = context.getBeanProvider(AuthenticationEventPublisher.class)
                    .getIfAvailable(() -> new DefaultAuthenticationEventPublisher(context));
            if (events instanceof DefaultAuthenticationEventPublisher defaults) {
                // It maps exception classes exactly, so a refused key is named as the bad credentials it is.
                defaults.setAdditionalExceptionMappings(java.util.Map.of(ApiKeyRejectedException.class,
                        org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent.class));
            }
            manager.setAuthenticationEventPublisher(events);
            authenticationManager = manager;
        }
        http.exceptionHandling(e -> e
                .defaultAuthenticationEntryPointFor(entry, AnyRequestMatcher.INSTANCE)
                .defaultAccessDeniedHandlerFor(new ScopeDenied(auth.realm()), AnyRequestMatcher.INSTANCE));
    }

    @Override
    public void configure(HttpSecurity http) {
        BearerAuthenticator authenticator = this.authenticator;
        if (authenticator == null) throw new IllegalStateException("PkauthConfigurer.configure ran before init");
        http.addFilterBefore(new ApiKeyAuthenticationFilter(new ApiKeyAuthenticationConverter(),
                Objects.requireNonNull(authenticationManager), Objects.requireNonNull(entryPoint)), BasicAuthenticationFilter.class);
        http.addFilterAfter(new UsageLimitFilter(authenticator), AuthorizationFilter.class);
    }

    /** 403 {@code insufficient_scope} naming the scopes a key lacked; other denials as Spring answers them. */
    /**
     * Spring's default CSRF token handling (masked per response against BREACH), except that a
     * tampered token is a wrong token: Spring Security's {@code XorCsrfTokenRequestAttributeHandler}
     * throws {@code IllegalArgumentException} ("Decoding failed", a 500) when the unmasked bytes are
     * not UTF-8, where a wrong token must be a 403.
     */
    static final class TamperTolerantCsrfTokens implements org.springframework.security.web.csrf.CsrfTokenRequestHandler {
        private final org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler spring =
                new org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response,
                java.util.function.Supplier<org.springframework.security.web.csrf.CsrfToken> csrfToken) {
            spring.handle(request, response, csrfToken);
        }

        @Override
        public @Nullable String resolveCsrfTokenValue(HttpServletRequest request,
                org.springframework.security.web.csrf.CsrfToken csrfToken) {
            try {
                return spring.resolveCsrfTokenValue(request, csrfToken);
            } catch (IllegalArgumentException tampered) {
                return null;
            }
        }
    }

    private static final class ScopeDenied implements AccessDeniedHandler {
        private final String realm;
        private static final org.springframework.security.authentication.AuthenticationTrustResolver TRUST =
                new org.springframework.security.authentication.AuthenticationTrustResolverImpl();
        private final AccessDeniedHandler otherwise = new AccessDeniedHandlerImpl();

        ScopeDenied(String realm) {
            this.realm = realm;
        }

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
                throws IOException, jakarta.servlet.ServletException {
            if (denied instanceof AuthorizationDeniedException authz
                    && SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication()
                            instanceof ApiKeyAuthentication) {
                Refusals.write(request, response, AuthFailure.insufficientScope(realm, required(request, authz.getAuthorizationResult())));
                return;
            }
            if (denied instanceof CsrfException) {
                org.springframework.security.core.Authentication session =
                        SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication();
                if (session == null || TRUST.isAnonymous(session)) {
                    // Nobody signed in, no key: CSRF guards sessions, and there is none. Answer as any
                    // protected route does, so an API client learns it needs a key, not a page's token.
                    Refusals.write(request, response, AuthFailure.missingCredentials(realm));
                    return;
                }
                // A session's write without Spring's CSRF token: JSON, as the keys endpoints answer their own refusals.
                Refusals.write(request, response, KeysEndpoint.Answer.error(403, "csrf",
                        "the request lacks this session's CSRF token; reload the page"));
                return;
            }
            otherwise.handle(request, response, denied);
        }

        /**
         * The scopes a rule named: from an authority decision (URL rules), or as pkauth's
         * authorization managers recorded them while a {@code @PreAuthorize} expression was denied.
         */
        static List<String> required(HttpServletRequest request, AuthorizationResult result) {
            List<String> scopes = new ArrayList<>();
            if (result instanceof AuthorityAuthorizationDecision d) {
                for (GrantedAuthority g : d.getAuthorities()) {
                    String a = g.getAuthority();
                    if (a != null && a.startsWith(ApiKeyAuthentication.SCOPE_PREFIX)) {
                        scopes.add(a.substring(ApiKeyAuthentication.SCOPE_PREFIX.length()));
                    }
                }
            } else if (request.getAttribute(ScopeAuthorizationManagerFactory.DENIED_SCOPES) instanceof List<?> denied) {
                for (Object scope : denied) scopes.add(String.valueOf(scope));
            }
            return scopes;
        }
    }
}
