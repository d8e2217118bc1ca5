package dev.pkauth.spring;

import dev.pkauth.KeySpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.RawHttp;
import dev.pkauth.testing.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** What the Spring integration adds beyond the HTTP contract, each on a real Spring Boot application. */
class SpringIntegrationTest {
    @TempDir
    Path dir;

    static String bearer(IssuedKey k) {
        return "Authorization: Bearer " + k.token();
    }

    @Test
    void preAuthorizeHonoursWildcardScopesAndNamesTheMissingScope() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore store = db.builder().build(); ContractApp.Running app = ContractApp.start(store, Map.of())) {
            IssuedKey reader = store.create("alice", null, List.of("docs:read"), null);
            IssuedKey docs = store.create("alice", null, List.of("docs:*"), null);
            IssuedKey all = store.create("alice", null, List.of("*"), null);
            IssuedKey keys = store.create("alice", null, List.of("keys:*"), null);

            assertThat(RawHttp.get(app.base(), "/method/read", bearer(reader)).status()).isEqualTo(200);
            RawHttp.Response denied = RawHttp.get(app.base(), "/method/write", bearer(reader));
            assertThat(denied.status()).isEqualTo(403);
            assertThat(denied.header("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"api\", error=\"insufficient_scope\", "
                            + "error_description=\"the API key lacks a required scope\", scope=\"docs:write\"");
            assertThat(denied.body()).startsWith("{\"error\":\"insufficient_scope\"");

            RawHttp.Response wildcard = RawHttp.get(app.base(), "/method/write", bearer(docs));
            assertThat(wildcard.status()).isEqualTo(200);
            assertThat(wildcard.body()).as("@AuthenticationPrincipal is the ApiKeyPrincipal").isEqualTo("write by alice");
            assertThat(RawHttp.get(app.base(), "/method/write", bearer(all)).status()).isEqualTo(200);
            assertThat(RawHttp.get(app.base(), "/method/read", bearer(keys)).status()).isEqualTo(403);
            assertThat(RawHttp.get(app.base(), "/scoped", bearer(docs)).status()).as("URL rule, wildcard").isEqualTo(200);
            assertThat(RawHttp.get(app.base(), "/method/read").status()).as("no key").isEqualTo(401);
        }
    }

    /** Counts sessions the container creates. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ContractApp.class)
    static class CountingSessions {
        static final AtomicInteger CREATED = new AtomicInteger();

        @Bean
        HttpSessionListener sessions() {
            return new HttpSessionListener() {
                @Override
                public void sessionCreated(HttpSessionEvent event) {
                    CREATED.incrementAndGet();
                }
            };
        }
    }

    @Test
    void noRequestCreatesAnHttpSession() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore store = db.builder().build();
                ContractApp.Running app = ContractApp.start(store, Map.of(), CountingSessions.class)) {
            IssuedKey k = store.create("alice", null, List.of("docs:read"), null);
            String wrong = dev.pkauth.testing.TestTokens.wrongSecret(k.token());
            List<RawHttp.Response> answers = List.of(
                    RawHttp.get(app.base(), "/whoami", bearer(k)),
                    RawHttp.get(app.base(), "/whoami"),
                    RawHttp.get(app.base(), "/whoami", "Authorization: Bearer " + wrong),
                    RawHttp.get(app.base(), "/scoped", bearer(k)),
                    RawHttp.get(app.base(), "/method/write", bearer(k)),
                    RawHttp.get(app.base(), "/nonexistent", bearer(k)));
            assertThat(answers).extracting(RawHttp.Response::status).containsExactly(200, 401, 401, 403, 403, 404);
            assertThat(answers).allSatisfy(r -> assertThat(r.header("Set-Cookie")).isNull());
            assertThat(CountingSessions.CREATED).hasValue(0);
        }
    }

    @Test
    void withoutAJdbcUrlTheStoreUsesTheApplicationsDataSourceAndReportsItsHealth() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        Map<String, Object> properties = Map.of(
                "spring.autoconfigure.exclude", "",
                "spring.datasource.url", db.jdbcUrl(),
                "pkauth.table", db.table(),
                "pkauth.pepper", db.pepper(),
                "management.endpoints.web.exposure.include", "health",
                "management.endpoint.health.show-components", "always");
        try (ContractApp.Running app = ContractApp.start(null, properties)) {
            ApiKeyStore store = app.context().getBean(ApiKeyStore.class);
            assertThat(store).as("the starter's bean").isNotNull();
            IssuedKey k = store.create("bob", null, List.of(), null);
            assertThat(RawHttp.get(app.base(), "/whoami", bearer(k)).body()).contains("\"user_id\":\"bob\"");
            javax.sql.DataSource appDataSource = app.context().getBean(javax.sql.DataSource.class);
            try (var c = appDataSource.getConnection();
                    var ps = c.prepareStatement("SELECT user_id FROM " + db.table() + " WHERE id = ?")) {
                ps.setString(1, k.key().id());
                try (var rs = ps.executeQuery()) {
                    assertThat(rs.next()).as("written through the application's DataSource").isTrue();
                    assertThat(rs.getString(1)).isEqualTo("bob");
                }
            }

            RawHttp.Response up = RawHttp.get(app.base(), "/actuator/health", bearer(k));
            assertThat(up.status()).isEqualTo(200);
            assertThat(up.body()).contains("\"pkauth\":{", "\"status\":\"UP\"");

            MeterRegistry meters = app.context().getBean(MeterRegistry.class);
            assertThat(meters.find("pkauth.verifications").counters()).as("the store's meters are bound").isNotEmpty();

            IssuedKey unseen = store.create("carol", null, List.of(), null); // never verified, so never cached
            db.breakTable();
            RawHttp.Response down = RawHttp.get(app.base(), "/actuator/health");
            assertThat(down.status()).as("no key: the store cannot check one, and says so").isEqualTo(401);
            assertThat(app.context().getBean("pkauthHealthIndicator", org.springframework.boot.health.contributor.HealthIndicator.class)
                    .health(true).getStatus().getCode()).isEqualTo("DOWN");
            RawHttp.Response unavailable = RawHttp.get(app.base(), "/whoami", bearer(unseen));
            assertThat(unavailable.status()).isEqualTo(503);
            assertThat(unavailable.header("Retry-After")).isNotNull();
        }
    }

    @Test
    void aRequestPreAuthorizeRefusesGetsItsCreditBack() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore store = db.builder().build(); ContractApp.Running app = ContractApp.start(store, Map.of())) {
            IssuedKey reader = store.create("alice", KeySpec.of(null, List.of("docs:read")).limits(dev.pkauth.UsageLimits.NONE.withCredits(2)));
            for (int i = 0; i < 3; i++) {
                assertThat(RawHttp.get(app.base(), "/method/write", bearer(reader)).status()).isEqualTo(403);
            }
            assertThat(store.find(reader.key().id()).orElseThrow().limits().credits()).as("refused by @PreAuthorize").isEqualTo(2);
            assertThat(RawHttp.get(app.base(), "/method/read", bearer(reader)).status()).isEqualTo(200);
            assertThat(store.find(reader.key().id()).orElseThrow().limits().credits()).isEqualTo(1);
        }
    }

    /** A bean whose rules a new user wrote from memory: three no key can satisfy, two it can. */
    public static class Notes {
        @org.springframework.security.access.prepost.PreAuthorize("hasAuthority('notes:read')")
        public String read() {
            return "r";
        }

        @org.springframework.security.access.prepost.PreAuthorize("hasRole('EDITOR')")
        public String edit() {
            return "e";
        }

        @org.springframework.security.access.prepost.PreAuthorize("hasAnyAuthority('SCOPE_notes read')")
        public String list() {
            return "l";
        }

        @org.springframework.security.access.prepost.PreAuthorize("hasAuthority('SCOPE_notes:write') or hasRole('ADMIN')")
        public String write() {
            return "w";
        }

        @org.springframework.security.access.prepost.PreAuthorize("isAuthenticated()")
        public String any() {
            return "a";
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ContractApp.class)
    static class WithNotes {
        @Bean
        Notes notes() {
            return new Notes();
        }
    }

    @Test
    void rulesNoKeyCanSatisfyAreReportedAtStartupNamingTheMethodAndTheFix() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        // Spring Boot sets logging up afresh as it starts: read the console, as a user would.
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8));
        try (ApiKeyStore store = db.builder().build(); ContractApp.Running app = ContractApp.start(store, Map.of(), WithNotes.class)) {
            assertThat(app.context().getBean(Notes.class)).isNotNull();
        } finally {
            System.setOut(out);
        }
        List<String> warnings = console.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(l -> l.contains("WARN") && l.contains("no API key can satisfy")).toList();
        assertThat(warnings).hasSize(3);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(Notes.class.getName() + ".read",
                "did you mean hasAuthority('SCOPE_notes:read')?"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(Notes.class.getName() + ".edit", "carry no roles"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(Notes.class.getName() + ".list", "is not one scope"));
        assertThat(warnings).noneMatch(w -> w.contains(".write") || w.contains(".any"));
    }

    /** An application with a role hierarchy of its own. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(ContractApp.class)
    static class WithRoleHierarchy {
        @Bean
        org.springframework.security.access.hierarchicalroles.RoleHierarchy roles() {
            return org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl.fromHierarchy("ROLE_ADMIN > ROLE_USER");
        }
    }

    @Test
    void theWildcardFactoryKeepsTheApplicationsRoleHierarchyForEverythingElse() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore store = db.builder().build();
                ContractApp.Running app = ContractApp.start(store, Map.of(), WithRoleHierarchy.class)) {
            org.springframework.security.core.Authentication admin =
                    new org.springframework.security.authentication.TestingAuthenticationToken("ann", null, "ROLE_ADMIN");
            for (String name : List.of("pkauthAuthorizationManagerFactory", "pkauthMethodAuthorizationManagerFactory")) {
                ScopeAuthorizationManagerFactory<?> factory = app.context().getBean(name, ScopeAuthorizationManagerFactory.class);
                assertThat(factory.hasRole("USER").authorize(() -> admin, null).isGranted()).as(name).isTrue();
            }
        }
    }

    @Test
    void withNoDatabaseAtAllTheStartFailsSayingWhatToSet() {
        assertThatThrownBy(() -> ContractApp.start(null, Map.of()).close())
                .rootCause().hasMessageContaining("pkauth has no database: set pkauth.jdbc-url");
    }

    /** What Spring prints for a failed start, as a user's console shows it. */
    static String startFailureReport(Map<String, Object> properties) {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> ContractApp.start(null, properties).close()).isNotNull();
        } finally {
            System.setOut(out);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aMisspelledPropertyFailsTheStartNamingTheNearestOneAndNeverItsValue() {
        String report = startFailureReport(Map.of("pkauth.jdbc-url", "jdbc:sqlite:" + dir.resolve("keys.db"),
                "pkauth.peper", "the-secret-value-1234567890abcdef", "pkauth.require-peper", "true"));
        assertThat(report).contains("APPLICATION FAILED TO START")
                .containsPattern("pkauth could not start: pkauth: unknown property pkauth\\.… \"(peper|require-peper)\" "
                        + "\\(did you mean (pepper|require-pepper)\\?\\)")
                .doesNotContain("the-secret-value");
        assertThat(dir.resolve("keys.db")).as("refused before a store opened").doesNotExist();
    }

    @Test
    void anUnresolvedPlaceholderPepperFailsTheStartInOneLine() {
        String report = startFailureReport(Map.of("pkauth.jdbc-url", "jdbc:sqlite:" + dir.resolve("keys.db"),
                "pkauth.pepper", "${PKAUTH_PEPPER_UNSET_IN_THIS_TEST}", "pkauth.require-pepper", "true"));
        assertThat(report).contains("pkauth could not start: PKAUTH_PEPPER (pepper) holds the placeholder "
                + "${PKAUTH_PEPPER_UNSET_IN_THIS_TEST}, which was not resolved")
                .doesNotContain("bytes long");
    }

    @Test
    void springsAuthenticationEventsFireForKeysAndTheKeyCarriesTheBearerFactor() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        List<org.springframework.security.authentication.event.AbstractAuthenticationEvent> events =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        org.springframework.context.ApplicationListener<org.springframework.security.authentication.event.AbstractAuthenticationEvent>
                listener = events::add;
        try (ApiKeyStore store = db.builder().build();
                ContractApp.Running app = ContractApp.start(store, Map.of(), Map.of("recordingListener", listener))) {
            IssuedKey k = store.create("alice", null, List.of("docs:read"), null);
            assertThat(RawHttp.get(app.base(), "/whoami", bearer(k)).status()).isEqualTo(200);
            assertThat(RawHttp.get(app.base(), "/whoami", "Authorization: Bearer "
                    + dev.pkauth.testing.TestTokens.wrongSecret(k.token())).status()).isEqualTo(401);
            assertThat(RawHttp.get(app.base(), "/open").status()).as("no key: no event").isEqualTo(200);

            assertThat(events).hasSize(2);
            assertThat(events.get(0)).isInstanceOf(org.springframework.security.authentication.event.AuthenticationSuccessEvent.class);
            ApiKeyAuthentication ok = (ApiKeyAuthentication) events.get(0).getAuthentication();
            assertThat(ok.getPrincipal().userId()).isEqualTo("alice");
            assertThat(ok.getAuthorities()).extracting(org.springframework.security.core.GrantedAuthority::getAuthority)
                    .containsExactly("SCOPE_docs:read",
                            org.springframework.security.core.authority.FactorGrantedAuthority.BEARER_AUTHORITY);
            assertThat(events.get(1)).isInstanceOf(
                    org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent.class);
            assertThat(((org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent) events.get(1))
                    .getException()).isInstanceOf(ApiKeyRejectedException.class)
                    .satisfies(e -> assertThat(((ApiKeyRejectedException) e).failure().status()).isEqualTo(401))
                    .hasMessageNotContaining(k.token().substring(k.token().lastIndexOf('.') + 1));
            assertThat(events.get(1).getAuthentication().toString()).doesNotContain(k.token().substring(3, 20));
        }
    }

    /** A chain whose AuthenticationManager is the application's own, composing pkauth's provider with another. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @org.springframework.web.bind.annotation.RestController
    static class OwnManager {
        static final AtomicInteger CONSULTED = new AtomicInteger();

        @Bean
        org.springframework.security.web.SecurityFilterChain chain(org.springframework.security.config.annotation.web.builders.HttpSecurity http,
                ApiKeyStore store) throws Exception {
            org.springframework.security.authentication.AuthenticationProvider counting =
                    new org.springframework.security.authentication.AuthenticationProvider() {
                        @Override
                        public org.springframework.security.core.Authentication authenticate(
                                org.springframework.security.core.Authentication a) {
                            CONSULTED.incrementAndGet();
                            return null;
                        }

                        @Override
                        public boolean supports(Class<?> type) {
                            return true;
                        }
                    };
            org.springframework.security.authentication.ProviderManager manager = new org.springframework.security.authentication.ProviderManager(
                    counting, new ApiKeyAuthenticationProvider(new dev.pkauth.http.BearerAuthenticator(store, "own")));
            return http.authorizeHttpRequests(a -> a.anyRequest().authenticated())
                    .with(PkauthConfigurer.pkauth().realm("own").authenticationManager(manager),
                            org.springframework.security.config.Customizer.withDefaults())
                    .build();
        }

        @org.springframework.web.bind.annotation.GetMapping("/mine")
        String mine(@org.springframework.security.core.annotation.AuthenticationPrincipal dev.pkauth.ApiKeyPrincipal key) {
            return key.userId();
        }
    }

    @Test
    void anApplicationsOwnAuthenticationManagerComposesPkauthsProvider() throws Exception {
        TestDatabase db = TestDatabase.create(Backend.SQLITE, dir);
        try (ApiKeyStore store = db.builder().build(); ContractApp.Running app = ContractApp.start(store, Map.of(), OwnManager.class)) {
            IssuedKey k = store.create("carol", null, List.of(), null);
            RawHttp.Response ok = RawHttp.get(app.base(), "/mine", bearer(k));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("carol");
            assertThat(OwnManager.CONSULTED).as("the application's provider ran first").hasValue(1);
            RawHttp.Response none = RawHttp.get(app.base(), "/mine");
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"own\"");
        }
    }
}
