package dev.pkauth.example.spring;

import dev.pkauth.ApiKeyStore;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import dev.pkauth.spring.PkauthConfigurer;

/**
 * The Spring benchmark's server (BENCHMARKS.md S1): one JVM, one endpoint served at
 * {@code /open/hello} through a Spring Security chain that permits all, and at
 * {@code /keyed/hello} through the same chain with pkauth. Prints a key to use; run wrk at both.
 * Not a test: {@code java -cp … dev.pkauth.example.spring.SpringBenchServer <jdbc-url>}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@RestController
public class SpringBenchServer {
    @Bean
    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a
                        .requestMatchers("/open/**").permitAll()
                        .anyRequest().authenticated())
                .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
                .build();
    }

    @GetMapping({"/open/hello", "/keyed/hello"})
    Map<String, String> hello() {
        return Map.of("hello", "world");
    }

    public static void main(String[] args) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SpringBenchServer.class)
                .properties(Map.of("server.port", "18089", "server.address", "127.0.0.1", "logging.level.root", "warn",
                        "spring.main.banner-mode", "off", "pkauth.jdbc-url", args[0],
                        "pkauth.pepper", "bench-pepper-0123456789abcdef0123456789abcdef",
                        "pkauth.failed-auth-limit", "off",
                        "spring.autoconfigure.exclude", "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"))
                .run();
        ApiKeyStore store = context.getBean(ApiKeyStore.class);
        System.out.println("KEY=" + store.create("bench", "bench", List.of("docs:read"), null).token());
        System.out.println("READY");
    }
}
