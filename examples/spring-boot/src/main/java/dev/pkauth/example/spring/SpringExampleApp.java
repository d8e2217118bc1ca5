package dev.pkauth.example.spring;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.IssuedKey;
import dev.pkauth.http.SessionGrant;
import dev.pkauth.http.SessionPolicy;
import dev.pkauth.spring.PkauthConfigurer;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The pkauth example on Spring Boot: the Jetty example's routes, environment and demo key, with
 * pkauth as Spring Security's authentication and {@code @PreAuthorize} for scopes.
 *
 * <p>Environment: {@code PORT} (8080; 0 picks a free port), {@code HOST} (127.0.0.1),
 * {@code PKAUTH_JDBC_URL} ({@value #DEFAULT_JDBC_URL}) and the other {@code PKAUTH_*} settings,
 * which Spring binds to {@code pkauth.*}.
 */
@SpringBootApplication
@EnableMethodSecurity
@RestController
public class SpringExampleApp {
    static final String DEFAULT_JDBC_URL = "jdbc:sqlite:pkauth-example.db";
    static final String DEMO_USER = "demo";
    static final List<String> DEMO_SCOPES = List.of("docs:read", "keys:write");

    /**
     * The browser's pages: Spring Security's form login at /login, the API keys page at
     * /account/keys, and the key endpoints it calls at /api/keys as the signed-in user (with
     * Spring's CSRF token; a request with a key needs none). pkauth's part is the {@code .with(…)}
     * line, kept {@code stateful()} so the login's session counts here.
     */
    @Bean
    @Order(1)
    SecurityFilterChain pages(HttpSecurity http) throws Exception {
        return http
                .securityMatcher("/login", "/logout", "/default-ui.css", "/account/**", "/api/keys", "/api/keys/**")
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/login", "/default-ui.css").permitAll()
                        .anyRequest().authenticated())
                .formLogin(login -> login.defaultSuccessUrl("/account/keys", true))
                // Only the page sends a browser to the form; the key endpoints answer 401 with a challenge.
                .exceptionHandling(e -> e.defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                        PathPatternRequestMatcher.withDefaults().matcher("/account/**")))
                // No session for a call that was refused: nothing is saved to come back to.
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .with(PkauthConfigurer.pkauth().stateful(), Customizer.withDefaults())
                .build();
    }

    /**
     * Everything else is the API: keys only, no session, no CSRF (nothing a cookie could ride
     * on), so an API call pays for none of the pages' filters. pkauth's part is the
     * {@code .with(…)} line.
     */
    @Bean
    @Order(2)
    SecurityFilterChain api(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/health", "/error", "/favicon.ico").permitAll()
                        .anyRequest().authenticated())
                .with(PkauthConfigurer.pkauth(), Customizer.withDefaults())
                .build();
    }

    /** Browsers ask every page's origin for one; nothing to show, and nothing to refuse. */
    @GetMapping("/favicon.ico")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void favicon() {}

    /**
     * No Spring Security observations, not even the wrapper around each filter that asks whether
     * to observe: application.properties turns observations off (they cost this example most of
     * its throughput, BENCHMARKS.md SP), and this takes the wrappers away too.
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** The signed-in user may put these scopes on keys minted in the page (the Jetty example's policy). */
    @Bean
    SessionPolicy sessionPolicy() {
        return user -> SessionGrant.of(List.of("docs:read", "docs:write"));
    }

    /**
     * The example's one user, standing in for the host's real ones: {@code demo}, whose password
     * is kept bcrypt-hashed in the example's own table beside pkauth's ({@code pkauth_example_users},
     * or {@code <pkauth.table>_example_users}).
     */
    @Bean
    InMemoryUserDetailsManager users(DemoPassword password) {
        return new InMemoryUserDetailsManager(User.withUsername(DEMO_USER).password(password.encoded()).roles("USER").build());
    }

    /**
     * The demo user's stored password hash, and the password itself when this start made it
     * (then it is printed once, and never again).
     */
    record DemoPassword(String encoded, String shown) {
        @Override
        public String toString() {
            return "DemoPassword[…]";
        }
    }

    /** Reads the stored hash, or makes a password on the first start; {@code PKAUTH_DEMO_PASSWORD} replaces it. */
    @Bean
    DemoPassword demoPassword(org.springframework.core.env.Environment env) throws java.sql.SQLException {
        String given = System.getenv("PKAUTH_DEMO_PASSWORD");
        boolean fresh = given == null || given.isBlank();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(env.getRequiredProperty("pkauth.jdbc-url"),
                env.getProperty("pkauth.jdbc-user"), env.getProperty("pkauth.jdbc-password"));
                java.sql.Statement s = c.createStatement()) {
            String table = usersTable(env.getProperty("pkauth.table"));
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL)");
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM " + table + " WHERE username = ?")) {
                ps.setString(1, DEMO_USER);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (fresh && rs.next()) return new DemoPassword(rs.getString(1), null);
                }
            }
            String chosen = fresh ? newPassword() : given;
            String encoded = PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(chosen);
            try (java.sql.PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE username = ?");
                    java.sql.PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO " + table + " (username, password_hash) VALUES (?, ?)")) {
                del.setString(1, DEMO_USER);
                del.executeUpdate();
                ins.setString(1, DEMO_USER);
                ins.setString(2, encoded);
                ins.executeUpdate();
            }
            return new DemoPassword(encoded, fresh ? chosen : null);
        }
    }

    /** The users table next to pkauth's table (an SQL identifier, or refused), or its default's. */
    private static String usersTable(String keyTable) {
        if (keyTable == null || keyTable.isBlank()) return "pkauth_example_users";
        if (!keyTable.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalStateException("pkauth.table must be an SQL identifier");
        return keyTable + "_example_users";
    }

    /** A random password a person can type: 18 base64url characters (108 bits). */
    private static String newPassword() {
        byte[] b = new byte[14];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b).substring(0, 18);
    }

    @GetMapping(path = "/health", produces = MediaType.APPLICATION_JSON_VALUE)
    String health() {
        return "{\"status\":\"ok\"}";
    }

    @GetMapping("/api/whoami")
    Map<String, Object> whoami(@AuthenticationPrincipal ApiKeyPrincipal key) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user_id", key.userId());
        m.put("key_id", key.keyId());
        m.put("scopes", key.scopes());
        return m;
    }

    private static final List<Map<String, String>> DOCS = List.of(Map.of("id", "1", "title", "Getting started"));

    @GetMapping("/api/docs")
    @PreAuthorize("hasAuthority('SCOPE_docs:read')")
    List<Map<String, String>> docs() {
        return DOCS;
    }

    /** {@code POST /api/docs {"title":"…"}}: echoes the new document. */
    record NewDoc(String title) {}

    @PostMapping("/api/docs")
    @PreAuthorize("hasAuthority('SCOPE_docs:write')")
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, String> addDoc(@RequestBody NewDoc doc) {
        return Map.of("id", "2", "title", doc.title() == null ? "" : doc.title());
    }

    /** Mints the demo key while the context starts, before the server takes requests. */
    @Bean
    DemoKey demoKey(ApiKeyStore store) {
        if (!store.list(DEMO_USER, true, 1, null).keys().isEmpty()) return new DemoKey(null);
        return new DemoKey(store.create(DEMO_USER, "demo key", DEMO_SCOPES, null));
    }

    /** The key minted on the first start, or {@code null}. */
    record DemoKey(IssuedKey issued) {}

    @EventListener
    void ready(ApplicationReadyEvent event) {
        ConfigurableApplicationContext context = event.getApplicationContext();
        String host = context.getEnvironment().getProperty("server.address", "127.0.0.1");
        String base = "http://" + host + ":" + context.getEnvironment().getProperty("local.server.port");
        printDemoKey(context.getBean(DemoKey.class).issued(), base,
                context.getEnvironment().getProperty("pkauth.jdbc-url"), System.out);
        DemoPassword password = context.getBean(DemoPassword.class);
        if (password.shown() != null) {
            System.out.println("Sign in as \"demo\" at " + base + "/login to manage keys in the browser (" + base
                    + "/account/keys). Its password is shown only now (it is stored hashed; PKAUTH_DEMO_PASSWORD sets another):");
            System.out.println();
            System.out.println("  PKAUTH_DEMO_PASSWORD=" + password.shown());
            System.out.println();
        } else {
            System.out.println("Sign in as \"demo\" at " + base + "/login with the password shown on first start (or set"
                    + " PKAUTH_DEMO_PASSWORD); your keys are at " + base + "/account/keys");
        }
        System.out.println("Listening on " + base);
        System.out.flush();
    }

    static void printDemoKey(IssuedKey demo, String base, String jdbcUrl, PrintStream out) {
        if (demo == null) {
            out.println("The demo key was shown on first start. Mint another with the CLI:");
            out.println("  java -jar cli/target/pkauth-cli.jar --jdbc-url " + jdbcUrl
                    + " create --user demo --scopes docs:read,keys:write");
            return;
        }
        String auth = "-H 'Authorization: Bearer " + demo.token() + "'";
        out.println();
        out.println("Minted a key for user \"demo\" (scopes " + String.join(" ", DEMO_SCOPES) + "). It is shown only now:");
        out.println();
        out.println("  PKAUTH_DEMO_KEY=" + demo.token());
        out.println();
        out.println("Try it:");
        out.println("  curl " + auth + " " + base + "/api/whoami");
        out.println("  curl " + auth + " " + base + "/api/docs");
        out.println("  curl " + auth + " -X POST -H 'Content-Type: application/json' -d '{\"title\":\"x\"}' "
                + base + "/api/docs     # 403: the demo key lacks docs:write");
        out.println("  curl " + auth + " -H 'Content-Type: application/json' -d '{\"name\":\"laptop\",\"scopes\":[\"docs:read\"]}' "
                + base + "/api/keys");
        out.println();
    }

    static final String USAGE = """
            Usage: java -jar pkauth-spring-example.jar [--help]

            Serves the pkauth example on Spring Boot: /health, /api/whoami, /api/docs and the
            self-service keys at /api/keys, with pkauth in Spring Security's filter chain, and the
            API keys page at /account/keys after signing in at /login. On its first start it mints
            a key for user "demo" and prints it once.

            Environment:
              PORT                  port to listen on (default 8080; 0 picks a free port)
              HOST                  address to listen on (default 127.0.0.1)
              PKAUTH_JDBC_URL       jdbc:sqlite:… or jdbc:postgresql://… (default %s)
              PKAUTH_PEPPER         the HMAC pepper; PKAUTH_REQUIRE_PEPPER=true refuses to start without one
              PKAUTH_DEMO_PASSWORD  the password of user "demo" at /login (default: a random one, made and printed on first start)
              … and the other PKAUTH_* settings of the README (Spring binds them to pkauth.*).

            Exit codes: 0 stopped, 1 could not start (the reason is the one line before), 2 usage error.
            """.formatted(DEFAULT_JDBC_URL);

    public static void main(String[] args) {
        if (args.length > 0) {
            boolean help = args[0].equals("--help") || args[0].equals("-h");
            (help ? System.out : System.err).print(help ? USAGE : "pkauth-spring-example: unknown argument \"" + args[0]
                    + "\"; see 'java -jar pkauth-spring-example.jar --help'\n");
            System.exit(help ? 0 : 2);
        }
        SpringApplication app = new SpringApplication(SpringExampleApp.class);
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("server.port", env("PORT", "8080"));
        defaults.put("server.address", env("HOST", "127.0.0.1"));
        defaults.put("pkauth.jdbc-url", env("PKAUTH_JDBC_URL", DEFAULT_JDBC_URL));
        defaults.put("pkauth.keys-path", "/api/keys");
        defaults.put("pkauth.console.enabled", "true");
        app.setDefaultProperties(defaults);
        try {
            app.run();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String message = String.valueOf(root.getMessage());
            int nl = message.indexOf('\n');
            System.err.println("pkauth-spring-example: cannot start: " + (nl < 0 ? message : message.substring(0, nl)));
            System.exit(1);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
