package dev.pkauth.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.SessionPolicy;
import dev.pkauth.testing.FormLogin;
import dev.pkauth.testing.SessionKeysHttpContract;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The keys endpoints ({@code pkauth.keys-path=/keys}) and the page ({@code pkauth.console.enabled},
 * {@code pkauth.console.path=/console}) for users signed in by Spring Security's form login, on a
 * {@code pkauth().stateful()} chain with Spring's CSRF protection on; the host's
 * {@link SessionPolicy} bean is what they may grant.
 */
class SpringSessionKeysHttpTest extends SessionKeysHttpContract {
    ContractApp.Running app;

    /** A host application with its own users and form login, and pkauth for keys. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    public static class SignInApp {
        // README:spring-console:start
        @Bean
        SecurityFilterChain chain(HttpSecurity http) throws Exception {
            return http
                    .authorizeHttpRequests(a -> a.requestMatchers("/login", "/error").permitAll().anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults())
                    .with(PkauthConfigurer.pkauth().stateful(), Customizer.withDefaults())
                    .build();
        }
        // README:spring-console:end

        @Bean
        SessionPolicy sessionPolicy() {
            return POLICY;
        }

        @Bean
        InMemoryUserDetailsManager users() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("alice").password("{noop}alice-pw").roles("USER").build(),
                    User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
        }
    }

    @Override
    protected URI start(ApiKeyStore store, SessionPolicy policy) {
        app = ContractApp.start(store, Map.of("pkauth.keys-path", "/keys", "pkauth.console.enabled", "true",
                "pkauth.console.path", "/console"), SignInApp.class);
        return app.base();
    }

    @Override
    protected void stop() {
        app.close();
    }

    /** Spring Security's own login form: its CSRF token from the form, then the POST, as a browser does. */
    @Override
    protected void signIn(Browser browser, String user) throws Exception {
        FormLogin login = FormLogin.submit(browser.client, base, user, user + "-pw");
        assertThat(login.formStatus()).isEqualTo(200);
        assertThat(login.csrfSent()).as("the login form's CSRF token").isTrue();
        assertThat(login.post().statusCode()).as("signed in: " + login.post().headers().map()).isEqualTo(302);
        assertThat(login.post().headers().firstValue("Location").orElse("")).doesNotContain("error");
    }

    @org.junit.jupiter.api.Test
    void aPageWithoutItsEndpointsOrWithABadPathStopsTheStartByName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContractApp.start(store, Map.of("pkauth.console.enabled", "true"),
                SignInApp.class).close()).hasStackTraceContaining("pkauth.console.enabled=true needs pkauth.keys-path");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ContractApp.start(store, Map.of("pkauth.keys-path", "/keys",
                "pkauth.console.enabled", "true", "pkauth.console.path", "account/keys"), SignInApp.class).close())
                .hasStackTraceContaining("pkauth.console.path must be a path");
    }

    @org.junit.jupiter.api.Test
    void theReadmeShowsThisChain() {
        dev.pkauth.testing.Readme.assertShows(SpringSessionKeysHttpTest.class, "spring-console");
    }

    @org.junit.jupiter.api.Test
    void thePageCarriesSpringsCsrfTokenTooAndAWriteWithoutItIsRefusedAsJson() throws Exception {
        Browser alice = signedIn("alice");
        assertThat(alice.proofs).containsKeys("X-Pkauth-Csrf", "X-CSRF-TOKEN");
        Map<String, String> onlyPkauths = Map.of("X-Pkauth-Csrf", alice.proofs.get("X-Pkauth-Csrf"), "Origin", origin(),
                "Sec-Fetch-Site", "same-origin");
        HttpResponse<String> r = alice.send("POST", "/keys", "{\"name\":\"x\"}", onlyPkauths);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("\"error\":\"csrf\"");
        assertThat(store.list("alice")).noneMatch(k -> "x".equals(k.name()));
    }
}
