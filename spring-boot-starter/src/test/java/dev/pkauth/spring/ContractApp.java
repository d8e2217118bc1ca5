package dev.pkauth.spring;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.testing.Whoami;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The contract's application on Spring Boot: {@code /whoami} needs a key, {@code /scoped} needs
 * {@code SCOPE_docs:write} by a URL rule, {@code /open} lets anyone through. Started on a free
 * loopback port, on IPv4 and IPv6, by {@link #start}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableMethodSecurity
@RestController
public class ContractApp {
    @Bean
    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/open", "/error").permitAll()
                        .requestMatchers("/scoped").hasAuthority("SCOPE_docs:write")
                        .anyRequest().authenticated())
                .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
                .build();
    }

    @RequestMapping({"/whoami", "/scoped", "/open"})
    org.springframework.http.ResponseEntity<String> whoami(@AuthenticationPrincipal ApiKeyPrincipal key, Authentication authentication,
            HttpServletRequest request) {
        int refusal = Whoami.refusal(request.getQueryString());
        if (refusal != 0) return org.springframework.http.ResponseEntity.status(refusal).build();
        boolean docsRead = key != null && new ScopeAuthorizationManagerFactory<Object>()
                .hasAuthority("SCOPE_docs:read").authorize(() -> authentication, request).isGranted();
        return org.springframework.http.ResponseEntity.ok(Whoami.json(key, request.getAuthType(), request.getRemoteUser(), docsRead));
    }

    @GetMapping("/method/read")
    @org.springframework.security.access.prepost.PreAuthorize("hasAuthority('SCOPE_docs:read')")
    String methodRead() {
        return "read";
    }

    @GetMapping("/method/write")
    @org.springframework.security.access.prepost.PreAuthorize("hasAuthority('SCOPE_docs:write')")
    String methodWrite(@AuthenticationPrincipal ApiKeyPrincipal key) {
        return "write by " + key.userId();
    }

    /** A running application and its base URI. */
    record Running(ConfigurableApplicationContext context, URI base) implements AutoCloseable {
        @Override
        public void close() {
            context.close();
        }
    }

    /**
     * Starts the application; {@code store} (when not null) is registered as the application's
     * own {@link ApiKeyStore} bean, which the starter's must give way to.
     */
    static Running start(ApiKeyStore store, Map<String, Object> properties, Class<?>... sources) {
        return start(store, properties, Map.of(), sources);
    }

    /** {@link #start(ApiKeyStore, Map, Class[])}, with {@code beans} registered as the application's own. */
    static Running start(ApiKeyStore store, Map<String, Object> properties, Map<String, Object> beans, Class<?>... sources) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(sources.length == 0 ? new Class<?>[] {ContractApp.class} : sources)
                .properties(Map.of("server.port", "0", "server.address", "127.0.0.1",
                        "server.max-http-request-header-size", "16KB", "spring.main.banner-mode", "off",
                        "logging.level.root", "warn",
                        // The contract brings its own store; a test that wants the DataSource path sets this to "".
                        "spring.autoconfigure.exclude", "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"))
                .properties(properties);
        if (store != null) {
            builder.initializers(ctx -> ctx.getBeanFactory().registerSingleton("apiKeyStore", store));
        }
        beans.forEach((name, bean) -> builder.initializers(ctx -> ctx.getBeanFactory().registerSingleton(name, bean)));
        ConfigurableApplicationContext context = builder.run();
        TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) context).getWebServer();
        int port = server.getPort();
        // The same port on IPv6 loopback, so the contract can call from ::1 too.
        if (dev.pkauth.testing.Loopback.ipv6()) {
            Connector v6 = new Connector();
            v6.setPort(port);
            v6.setProperty("address", "::1");
            v6.setProperty("maxHttpRequestHeaderSize", Integer.toString(16 * 1024));
            server.getTomcat().getService().addConnector(v6);
        }
        return new Running(context, URI.create("http://127.0.0.1:" + port + "/"));
    }
}
