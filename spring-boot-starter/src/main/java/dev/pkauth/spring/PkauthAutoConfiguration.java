package dev.pkauth.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.ApiKeyStoreBuilder;
import dev.pkauth.http.SessionPolicy;
import dev.pkauth.servlet.KeysConsole;
import dev.pkauth.servlet.KeysServlet;
import org.springframework.security.web.csrf.CsrfToken;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.web.servlet.ConditionalOnDefaultServletWebSecurity;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.authorization.AuthorizationManagerFactory;
import org.springframework.security.authorization.DefaultAuthorizationManagerFactory;
import org.springframework.security.config.core.GrantedAuthorityDefaults;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * pkauth for Spring Boot: an {@link ApiKeyStore} bean from {@code pkauth.*} (or the application's
 * {@link DataSource} when {@code pkauth.jdbc-url} is not set), closed with the context; scope
 * wildcards in Spring Security's authority checks; the self-service key endpoints at
 * {@code pkauth.keys-path} when it is set; and, for an application that declares no
 * {@link SecurityFilterChain} of its own, one in which every request needs a key.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"
        },
        beforeName = {
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration"
        })
@EnableConfigurationProperties(PkauthProperties.class)
public class PkauthAutoConfiguration {

    /**
     * @param properties the {@code pkauth.*} properties
     * @param dataSource the application's data source, used when {@code pkauth.jdbc-url} is not set
     * @param customizers adjustments of the application's, applied in order
     * @return the store, built and migrated
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ApiKeyStore apiKeyStore(PkauthProperties properties, ObjectProvider<DataSource> dataSource,
            ObjectProvider<ApiKeyStoreCustomizer> customizers) {
        ApiKeyStoreBuilder builder = ApiKeyStore.builder().settings(properties.toSettings());
        if (properties.getJdbcUrl() == null) {
            DataSource ds = dataSource.getIfUnique();
            if (ds == null) {
                throw new IllegalStateException("pkauth has no database: set pkauth.jdbc-url (e.g. jdbc:sqlite:pkauth.db, "
                        + "or PKAUTH_JDBC_URL in the environment) or define a DataSource bean");
            }
            builder.dataSource(ds);
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /**
     * {@code hasAuthority('SCOPE_…')} honours pkauth's {@code *} and {@code X:*} wildcards, in URL
     * rules and in method security alike, unless the application has its own factory. Spring
     * Security looks these up by their generic type, so there is one for each.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingBean(AuthorizationManagerFactory.class)
    static class Wildcards {
        /**
         * For URL rules, which Spring looks up as {@code AuthorizationManagerFactory<Object>}; that
         * lookup also matches the method one, so this one is primary.
         */
        @Bean
        @org.springframework.context.annotation.Primary
        ScopeAuthorizationManagerFactory<Object> pkauthAuthorizationManagerFactory(ObjectProvider<RoleHierarchy> roles,
                ObjectProvider<GrantedAuthorityDefaults> defaults) {
            return new ScopeAuthorizationManagerFactory<>(springDefaults(roles, defaults));
        }

        /** For {@code @PreAuthorize} and the other method-security annotations. */
        @Bean
        ScopeAuthorizationManagerFactory<org.aopalliance.intercept.MethodInvocation> pkauthMethodAuthorizationManagerFactory(
                ObjectProvider<RoleHierarchy> roles, ObjectProvider<GrantedAuthorityDefaults> defaults) {
            return new ScopeAuthorizationManagerFactory<>(springDefaults(roles, defaults));
        }

        /**
         * Spring's own default for everything that is not a key's scope, built as Spring builds it
         * when no factory is declared: with the application's role hierarchy and role prefix.
         */
        private static <T> DefaultAuthorizationManagerFactory<T> springDefaults(ObjectProvider<RoleHierarchy> roles,
                ObjectProvider<GrantedAuthorityDefaults> defaults) {
            DefaultAuthorizationManagerFactory<T> factory = new DefaultAuthorizationManagerFactory<>();
            roles.ifAvailable(factory::setRoleHierarchy);
            defaults.ifAvailable(d -> factory.setRolePrefix(d.getRolePrefix()));
            return factory;
        }
    }

    /**
     * No user names or passwords: keys are the credentials. Without this, Spring Boot would make
     * a {@code user} with a generated password and log it.
     *
     * @return a user store with no users
     */
    @Bean
    @ConditionalOnMissingBean({UserDetailsService.class, AuthenticationManager.class, AuthenticationProvider.class})
    public InMemoryUserDetailsManager pkauthNoUsers() {
        return new InMemoryUserDetailsManager();
    }

    /**
     * Reports at startup the {@code @PreAuthorize} rules no API key can satisfy
     * ({@code hasAuthority('notes:read')} without {@code SCOPE_}, {@code hasRole(…)}), naming the method.
     *
     * @param beans the application's beans
     * @return the report, run once every singleton exists
     */
    @Bean
    static SmartInitializingSingleton pkauthUnsatisfiableRuleReport(org.springframework.beans.factory.ListableBeanFactory beans) {
        return new UnsatisfiableRuleReport(beans);
    }

    /** Servlet web applications: the key endpoints and the default chain. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class Web {
        /**
         * The self-service key endpoints ({@link KeysServlet}) at {@code pkauth.keys-path}, behind
         * the filter chain.
         */
        @Bean
        @ConditionalOnProperty("pkauth.keys-path")
        ServletRegistrationBean<KeysServlet> pkauthKeysServlet(ApiKeyStore store, PkauthProperties properties,
                ObjectProvider<SessionPolicy> sessionPolicy) {
            String path = path("pkauth.keys-path", java.util.Objects.requireNonNullElse(properties.getKeysPath(), ""));
            return new ServletRegistrationBean<>(new KeysServlet(store, properties.realmOrDefault(), path,
                    sessionPolicy.getIfAvailable(() -> SessionPolicy.NONE)), path + "/*");
        }

        /**
         * The API keys page ({@link KeysConsole}) at {@code pkauth.console.path} when
         * {@code pkauth.console.enabled} is true. It calls the endpoints at {@code pkauth.keys-path},
         * so enabling it without them fails the start, by name. On a chain with Spring Security's
         * CSRF protection on ({@code pkauth().stateful()}), the page sends its token too.
         */
        @Bean
        @ConditionalOnProperty(name = "pkauth.console.enabled", havingValue = "true")
        ServletRegistrationBean<KeysConsole> pkauthKeysConsole(PkauthProperties properties) {
            String console = path("pkauth.console.path", properties.getConsole().getPath());
            String keys = properties.getKeysPath();
            if (keys == null || keys.isBlank()) {
                throw new IllegalStateException("pkauth.console.enabled=true needs pkauth.keys-path: the page calls the key "
                        + "endpoints there (e.g. pkauth.keys-path=/api/keys)");
            }
            return new ServletRegistrationBean<>(new KeysConsole(console, path("pkauth.keys-path", keys), request ->
                    request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken t
                            ? java.util.Map.of(t.getHeaderName(), t.getToken()) : java.util.Map.of()), console + "/*");
        }

        /** A mount path property's value, refused by name unless it is a path such as {@code /api/keys}. */
        static String path(String property, String value) {
            String path = value.strip();
            if (!path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
                throw new IllegalStateException(property + " must be a path such as /api/keys (a leading /, no "
                        + "trailing / or *), was \"" + value + "\"");
            }
            return path;
        }

        /** {@code pkauth.leaks-path} or {@code pkauth.key-status-path} is set. */
        static final class LeakPathsSet extends org.springframework.boot.autoconfigure.condition.AnyNestedCondition {
            LeakPathsSet() {
                super(ConfigurationPhase.REGISTER_BEAN);
            }

            @ConditionalOnProperty("pkauth.leaks-path")
            static final class Reports {}

            @ConditionalOnProperty("pkauth.key-status-path")
            static final class Probe {}
        }

        /**
         * What a deployment answers when its keys leak, from {@code pkauth.leak-policy},
         * {@code pkauth.github-keys-url} and {@code pkauth.gitlab-keys-url}; the application's
         * {@link dev.pkauth.http.LeakListener} bean, if any, is told of each reported key.
         */
        @Bean
        @ConditionalOnMissingBean
        @org.springframework.context.annotation.Conditional(LeakPathsSet.class)
        dev.pkauth.http.LeakEndpoint pkauthLeakEndpoint(ApiKeyStore store, PkauthProperties properties,
                ObjectProvider<dev.pkauth.http.LeakListener> listener, org.springframework.context.ApplicationContext context) {
            dev.pkauth.http.LeakEndpoint.Builder b = dev.pkauth.http.LeakEndpoint.builder(store).settings(properties.toSettings());
            listener.ifUnique(b::listener);
            // Micrometer is optional: looked up by name, so this class loads without it.
            String meterRegistry = "io.micrometer.core.instrument.MeterRegistry";
            if (org.springframework.util.ClassUtils.isPresent(meterRegistry, context.getClassLoader())) {
                Object registry = context.getBeanProvider(org.springframework.util.ClassUtils.resolveClassName(meterRegistry,
                        context.getClassLoader())).getIfUnique();
                if (registry != null) b.meterRegistry(registry);
            }
            return b.build();
        }

        /**
         * The leak reports at {@code pkauth.leaks-path} ({@code /github}, {@code /gitlab} below it)
         * and the validity probe at {@code pkauth.key-status-path}.
         */
        @Bean
        @org.springframework.context.annotation.Conditional(LeakPathsSet.class)
        ServletRegistrationBean<dev.pkauth.servlet.LeakServlet> pkauthLeakServlet(dev.pkauth.http.LeakEndpoint leaks,
                PkauthProperties properties) {
            List<String> mappings = new java.util.ArrayList<>();
            if (properties.getLeaksPath() != null) mappings.add(path("pkauth.leaks-path", properties.getLeaksPath()) + "/*");
            if (properties.getKeyStatusPath() != null) mappings.add(path("pkauth.key-status-path", properties.getKeyStatusPath()));
            ServletRegistrationBean<dev.pkauth.servlet.LeakServlet> r =
                    new ServletRegistrationBean<>(new dev.pkauth.servlet.LeakServlet(leaks), mappings.toArray(String[]::new));
            r.setName("pkauthLeaks");
            return r;
        }

        /**
         * The leak endpoints stay outside Spring Security's chain: reports are authenticated by
         * their signature (GitHub has no key, and must not meet CSRF), and the probe checks its
         * token itself without using it; in the chain, pkauth's filter would count the probe as a
         * use. Spring logs that ignoring paths is not recommended; for these two it is the point.
         */
        @Bean
        @ConditionalOnClass(HttpSecurity.class)
        @org.springframework.context.annotation.Conditional(LeakPathsSet.class)
        org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer pkauthLeakPathsOutsideTheChain(
                PkauthProperties properties) {
            List<String> patterns = new java.util.ArrayList<>();
            if (properties.getLeaksPath() != null) patterns.add(path("pkauth.leaks-path", properties.getLeaksPath()) + "/**");
            if (properties.getKeyStatusPath() != null) patterns.add(path("pkauth.key-status-path", properties.getKeyStatusPath()));
            return web -> web.ignoring().requestMatchers(patterns.toArray(String[]::new));
        }

        /** Every request needs a key, for an application with no {@link SecurityFilterChain} of its own. */
        @Bean
        @ConditionalOnDefaultServletWebSecurity
        @ConditionalOnClass(HttpSecurity.class)
        SecurityFilterChain pkauthSecurityFilterChain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
                    .build();
        }
    }
}
