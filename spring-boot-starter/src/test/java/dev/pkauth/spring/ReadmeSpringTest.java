package dev.pkauth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.RawHttp;
import dev.pkauth.testing.Readme;
import dev.pkauth.testing.TestDatabase;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The README's Spring Boot section, run: its properties and its filter chain and controller. */
class ReadmeSpringTest {
    @TempDir
    Path dir;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @EnableMethodSecurity
    @RestController
    static class ReadmeApp {
        // README:spring-chain:start
        @Bean
        SecurityFilterChain api(HttpSecurity http) throws Exception {
            return http
                    .authorizeHttpRequests(a -> a
                            .requestMatchers("/health", "/error").permitAll()
                            .requestMatchers(HttpMethod.DELETE, "/api/**").hasAuthority("SCOPE_admin")
                            .anyRequest().authenticated())
                    .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
                    .build();
        }

        @GetMapping("/api/docs")
        @PreAuthorize("hasAuthority('SCOPE_docs:read')")   // holds for docs:read, docs:* and *
        List<String> docs(@AuthenticationPrincipal ApiKeyPrincipal key) {
            return List.of("docs of " + key.userId());
        }
        // README:spring-chain:end
    }

    @Test
    void theReadmesPropertiesAndChainServeKeysTheWayItSays() throws Exception {
        Readme.assertShows(ReadmeSpringTest.class, "spring-chain");
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        Properties readme = new Properties();
        readme.load(new StringReader(Readme.block("spring-properties")));
        assertThat(readme.stringPropertyNames()).containsExactly("pkauth.jdbc-url");
        Map<String, Object> properties = new HashMap<>();
        readme.forEach((k, v) -> properties.put((String) k, v));
        properties.put("pkauth.jdbc-url", db.jdbcUrl());
        properties.put("pkauth.table", db.table());
        properties.put("pkauth.pepper", db.pepper()); // what an exported PKAUTH_PEPPER binds to

        try (ContractApp.Running app = ContractApp.start(null, properties, ReadmeApp.class);
                ApiKeyStore side = db.builder().build()) {
            IssuedKey docs = side.create("alice", null, List.of("docs:*"), null);
            RawHttp.Response ok = RawHttp.get(app.base(), "/api/docs", "Authorization: Bearer " + docs.token());
            assertThat(ok.status()).as("same pepper as the properties: the app verifies a key minted elsewhere").isEqualTo(200);
            assertThat(ok.body()).isEqualTo("[\"docs of alice\"]");
            RawHttp.Response delete = RawHttp.request(app.base(), "DELETE", "/api/docs", null, "Authorization: Bearer " + docs.token());
            assertThat(delete.status()).isEqualTo(403);
            assertThat(delete.header("WWW-Authenticate")).endsWith("scope=\"admin\"");
            assertThat(RawHttp.get(app.base(), "/api/docs").status()).isEqualTo(401);
        }
    }
}
