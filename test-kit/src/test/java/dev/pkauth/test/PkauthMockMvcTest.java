package dev.pkauth.test;

import static dev.pkauth.test.PkauthMockMvc.apiKey;
import static dev.pkauth.test.PkauthMockMvc.bearer;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.KeySpec;
import dev.pkauth.spring.PkauthConfigurer;
import jakarta.servlet.Filter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

/** MockMvc requests with real keys, through a real Spring Boot application's security chain. */
class PkauthMockMvcTest {
    @TempDir
    static Path dir;
    static ConfigurableApplicationContext app;
    static MockMvc mvc;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @RestController
    static class DocsApp {
        @Bean
        SecurityFilterChain chain(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.requestMatchers("/docs").hasAuthority("SCOPE_docs:read").anyRequest().authenticated())
                    .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
                    .build();
        }

        @GetMapping("/docs")
        String docs(@AuthenticationPrincipal ApiKeyPrincipal key) {
            return "docs for " + key.userId();
        }
    }

    @BeforeAll
    static void start() {
        app = new SpringApplicationBuilder(DocsApp.class).properties(Map.of("server.port", "0", "server.address", "127.0.0.1",
                "spring.main.banner-mode", "off", "logging.level.root", "warn",
                "pkauth.jdbc-url", "jdbc:sqlite:" + dir.resolve("keys.db"), "pkauth.pepper", PkauthExtension.TEST_PEPPER)).run();
        mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) app)
                .addFilters(app.getBean("springSecurityFilterChain", Filter.class)).build();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void aKeyWithTheScopeIsServed() throws Exception {
        String revokedToken = revokedToken();
        assertThat(mvc.perform(get("/docs").with(apiKey("docs:read"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString()).isEqualTo("docs for test-user");
        // README:mockmvc:start
        mvc.perform(get("/docs").with(apiKey("docs:*"))).andExpect(status().isOk());        // a real key, minted in the app's store
        mvc.perform(get("/docs").with(apiKey())).andExpect(status().isForbidden());          // a key without the scope
        mvc.perform(get("/docs").with(bearer(revokedToken))).andExpect(status().isUnauthorized());
        // README:mockmvc:end
    }

    static String revokedToken() {
        ApiKeyStore store = app.getBean(ApiKeyStore.class);
        var k = store.create("eve", KeySpec.of("gone", List.of("docs:read")));
        store.revoke(k.key().id());
        return k.token();
    }

    @Test
    void aKeyWithoutItIsRefusedByTheRealChain() throws Exception {
        String challenge = mvc.perform(get("/docs").with(apiKey())).andExpect(status().isForbidden())
                .andReturn().getResponse().getHeader("WWW-Authenticate");
        assertThat(challenge).contains("error=\"insufficient_scope\"").contains("scope=\"docs:read\"");
        mvc.perform(get("/docs")).andExpect(status().isUnauthorized());
        mvc.perform(get("/docs").with(bearer("pk.key_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))
                .andExpect(status().isUnauthorized());
    }

    @Test
    void aKeyMintedAsASpecSaysAndARevokedOne() throws Exception {
        ApiKeyStore store = app.getBean(ApiKeyStore.class);
        assertThat(mvc.perform(get("/docs").with(apiKey(store, "alice", KeySpec.of("ci", List.of("docs:read")))))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString()).isEqualTo("docs for alice");
        var revoked = store.create("bob", KeySpec.of("old", List.of("docs:read")));
        store.revoke(revoked.key().id());
        mvc.perform(get("/docs").with(bearer(revoked.token()))).andExpect(status().isUnauthorized());
    }
}
