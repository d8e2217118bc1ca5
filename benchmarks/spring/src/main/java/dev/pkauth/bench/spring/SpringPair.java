package dev.pkauth.bench.spring;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.spring.PkauthConfigurer;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * One Spring Boot application, two ways to authenticate API keys, for a side-by-side measurement
 * (BENCHMARKS.md, "Spring: pkauth against a hand-written filter"): the same controller and the
 * same chain otherwise (stateless, CSRF off, {@code /health} open, {@code /api/**} needing
 * {@code SCOPE_docs:read}), with either pkauth's starter ({@code --spring.profiles.active=pkauth})
 * or {@link HandWrittenApiKeyFilter} ({@code handwritten}, pkauth's auto-configuration excluded).
 *
 * <pre>
 * java -jar pkauth-spring-bench.jar mint jdbc:sqlite:/tmp/pair.db     # prints KEY=… (pkauth's table, pkauth's pepper)
 * java -jar pkauth-spring-bench.jar --spring.profiles.active=pkauth      (or handwritten) with PAIR_JDBC_URL set
 * </pre>
 */
@SpringBootApplication
@RestController
public class SpringPair {
    /** The pepper both sides hash with. */
    static final String PEPPER = "pair-pepper-0123456789abcdef0123456789abcdef";

    @GetMapping(path = "/health", produces = MediaType.APPLICATION_JSON_VALUE)
    String health() {
        return "{\"status\":\"ok\"}";
    }

    @GetMapping(path = "/api/docs", produces = MediaType.APPLICATION_JSON_VALUE)
    String docs() {
        return "[{\"id\":\"1\",\"title\":\"Getting started\"}]";
    }

    /** The chain both sides share, up to the authentication. */
    static HttpSecurity common(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a
                        .requestMatchers("/health", "/error").permitAll()
                        .requestMatchers("/api/**").hasAuthority("SCOPE_docs:read")
                        .anyRequest().authenticated())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable);
    }

    @Bean
    @Profile("pkauth")
    SecurityFilterChain withPkauth(HttpSecurity http) throws Exception {
        return common(http).with(PkauthConfigurer.pkauth(), c -> {}).build();
    }

    @Bean
    @Profile("handwritten")
    SecurityFilterChain withHandWrittenFilter(HttpSecurity http, JdbcTemplate jdbc) throws Exception {
        return common(http)
                .addFilterBefore(new HandWrittenApiKeyFilter(jdbc, PEPPER), BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
                .build();
    }

    public static void main(String[] args) {
        if (args.length == 2 && args[0].equals("mint")) {
            try (ApiKeyStore store = ApiKeyStore.builder().jdbcUrl(args[1]).pepper(PEPPER).build()) {
                for (int i = 0; i < 64; i++) {
                    System.out.println("KEY=" + store.create("bench-" + i, "bench", List.of("docs:read"), null).token());
                }
            }
            return;
        }
        String url = System.getenv().getOrDefault("PAIR_JDBC_URL", "jdbc:sqlite:pair.db");
        SpringApplication app = new SpringApplication(SpringPair.class);
        app.setDefaultProperties(Map.of("pkauth.jdbc-url", url, "pkauth.pepper", PEPPER, "pkauth.failed-auth-limit", "off",
                "spring.datasource.url", url));
        app.run(args);
    }
}
