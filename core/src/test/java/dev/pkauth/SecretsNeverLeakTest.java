package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.pkauth.http.AccessRule;
import dev.pkauth.http.AuthOutcome;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.http.BearerCredentials;
import dev.pkauth.internal.store.KeyRecord;
import dev.pkauth.internal.token.Tokens;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.LoggerFactory;

/**
 * A representative workload with every logger at TRACE: no captured line, exception or
 * {@code toString} holds a token, a secret, a hash or a pepper.
 */
class SecretsNeverLeakTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = Backend.class, names = {"SQLITE", "POSTGRESQL"})
    void nothingSecretReachesTheLogsExceptionsOrToString(Backend backend) throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        Map<String, Level> explicit = Map.of("dev.pkauth", Level.TRACE, "com.zaxxer.hikari", Level.TRACE,
                "org.postgresql", Level.TRACE, "org.sqlite", Level.TRACE);
        Map<String, Level> saved = new java.util.HashMap<>();
        explicit.forEach((name, level) -> {
            saved.put(name, context.getLogger(name).getLevel());
            context.getLogger(name).setLevel(level);
        });
        root.setLevel(Level.TRACE);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(context);
        captured.start();
        root.addAppender(captured);

        List<String> secrets = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        try {
            TestDatabase db = TestDatabase.create(backend, dir);
            secrets.add(db.pepper());
            try (ApiKeyStore old = db.builder().build()) {
                IssuedKey underOld = old.create("alice", "old", List.of(), null);
                oldToken = underOld.token();
                secrets.add(underOld.token().substring(40));
            }
            try (ApiKeyStore store = db.builderWithoutPepper().pepper("the-new-pepper-value").previousPeppers(db.pepper())
                    .executor(Runnable::run).build()) {
                secrets.add("the-new-pepper-value");
                BearerAuthenticator auth = new BearerAuthenticator(store, "api");
                IssuedKey a = store.create("alice", "CI", List.of("docs:read"), Instant.now().plus(Duration.ofDays(1)));
                IssuedKey b = store.rotate(a.key().id(), Duration.ofHours(1)).orElseThrow();
                IssuedKey c = store.create("bob", null, List.of("*"), null);
                for (IssuedKey k : List.of(a, b, c)) secrets.add(k.token().substring(40));
                String wrong = c.token().substring(0, 40) + "A".repeat(43);

                for (String token : List.of(a.token(), b.token(), c.token(), wrong, "pk.garbage",
                        "pk.key_" + "Q".repeat(32) + "." + "W".repeat(43))) {
                    Verification v = store.verify(token);
                    texts.add(v.toString());
                    AuthOutcome o = auth.authenticate(List.of("Bearer " + token), AccessRule.requireScopes(List.of("docs:write")));
                    texts.add(o.toString());
                    texts.add(BearerCredentials.parse("Bearer " + token).toString());
                }
                texts.add(store.verify(oldToken).toString()); // re-hashed under the new pepper
                store.refresh(b.key().id(), Instant.now().plus(Duration.ofDays(3)));
                store.revoke(c.key().id());
                texts.add(store.verify(c.token()).toString());
                texts.add(store.list("alice", true).toString());
                texts.add(a.toString());
                texts.add(a.key().toString());
                texts.add(a.key().toPrincipal().toString());
                texts.add(store.toString());
                texts.add(Settings.fromEnvironment(Map.of("PKAUTH_PEPPER", db.pepper())).toString());
                texts.add(Tokens.mint().toString());
                texts.add(new KeyRecord("key_x", "u", "", "", "ab".repeat(32), List.of(), null, null, 0, null, null).toString());
                store.flush();

                try (Connection conn = db.connect(); var s = conn.createStatement()) {
                    s.execute("DROP TABLE " + db.table());
                }
                try {
                    store.verify(b.token());
                } catch (StoreUnavailableException e) {
                    texts.add(e.toString());
                    texts.add(ThrowableProxyUtil.asString(new ch.qos.logback.classic.spi.ThrowableProxy(e)));
                }
                texts.add(auth.authenticate(List.of("Bearer " + b.token()), AccessRule.AUTHENTICATED).toString());
            }
        } finally {
            root.detachAppender(captured);
            root.setLevel(before);
            saved.forEach((name, level) -> context.getLogger(name).setLevel(level));
        }

        for (ILoggingEvent e : captured.list) {
            texts.add(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) texts.add(ThrowableProxyUtil.asString(e.getThrowableProxy()));
        }
        assertThat(captured.list).as("the workload logged at TRACE").hasSizeGreaterThan(10);
        List<String> forbidden = new ArrayList<>(secrets);
        for (String s : List.copyOf(secrets)) {
            if (s.length() == 43) {
                for (String pepper : List.of("the-new-pepper-value", secrets.get(0))) forbidden.add(hmacHex(pepper, s));
            }
        }
        for (String text : texts) {
            for (String secret : forbidden) {
                assertThat(text).as("a captured line or toString").doesNotContain(secret);
            }
        }
    }

    private String oldToken;

    static String hmacHex(String pepper, String secret) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(pepper.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
