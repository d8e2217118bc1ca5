package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.Verification.Reason;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import dev.pkauth.internal.token.SecretHasher;
import org.junit.jupiter.api.Test;

/** What only a database can show: reopening, pepper rotation, the stored hash, failures. */
abstract class PersistentStoreContract extends ApiKeyStoreContract {
    String table = dev.pkauth.testing.PostgresSupport.uniqueTable("keys");

    @Override
    @org.junit.jupiter.api.BeforeEach
    void open() {
        store = reopen(b -> b.pepper("contract-pepper"));
    }

    ApiKeyStore reopen(java.util.function.UnaryOperator<ApiKeyStoreBuilder> peppers) {
        return peppers.apply(backend().builderFor(dir, table).clock(clock).executor(Runnable::run)).build();
    }

    abstract Connection rawConnection() throws SQLException;

    @Test
    void keysSurviveClosingAndReopening() {
        IssuedKey issued = store.create("alice", "CI", List.of("docs:read"), null);
        store.close();

        store = reopen(b -> b.pepper("contract-pepper"));

        assertThat(store.verify(issued.token()).isValid()).isTrue();
        assertThat(store.list("alice")).hasSize(1);
    }

    @Test
    void onlyTheLowercaseHexHmacIsStored() throws Exception {
        IssuedKey issued = store.create("alice", null, List.of("a"), null);
        String secret = issued.token().substring(40);
        String expected = java.util.HexFormat.of().formatHex(hmac("contract-pepper", secret));

        try (Connection c = rawConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT secret_hash, prefix, scopes FROM " + table)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(expected);
            assertThat(rs.getString(2)).isEqualTo(issued.token().substring(0, 16));
            assertThat(rs.getString(3)).isEqualTo("a");
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void keysUnderAPreviousPepperVerifyAndAreRehashed() throws Exception {
        IssuedKey underA = store.create("alice", null, List.of(), null);
        store.close();

        store = reopen(b -> b.pepper("pepper-B").previousPeppers("contract-pepper"));
        assertThat(store.verify(underA.token()).isValid()).as("verifies under previous pepper").isTrue();
        IssuedKey underB = store.create("alice", null, List.of(), null);
        store.close();

        store = reopen(b -> b.pepper("pepper-B"));
        assertThat(store.verify(underA.token()).isValid()).as("re-hashed under B").isTrue();
        assertThat(store.verify(underB.token()).isValid()).isTrue();
        assertThat(pepperIdOf(underA)).as("the re-hash records its pepper").isEqualTo(SecretHasher.fingerprint("pepper-B"));
    }

    String pepperIdOf(IssuedKey key) throws SQLException {
        try (Connection c = rawConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT pepper_id FROM " + table + " WHERE id = ?")) {
            ps.setString(1, key.key().id());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row of " + key.key().id()).isTrue();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aReadOnlyDatabaseVerifiesRefusesWritesAsReadOnlyAndLogsOneError() throws Exception {
        IssuedKey key = store.create("alice", null, List.of("keys:write"), null);
        leftBroken = true;
        store.close();

        List<String> errors;
        try (dev.pkauth.testing.Logs logs = dev.pkauth.testing.Logs.capture();
             ApiKeyStore readOnly = backend().readOnlyBuilderFor(dir, table).pepper("contract-pepper").clock(clock)
                     .executor(Runnable::run).touchInterval(java.time.Duration.ZERO).build()) {
            assertThat(readOnly.verify(key.token()).isValid()).as("reads keep working").isTrue();
            assertThat(readOnly.verify(key.token()).isValid()).as("and the failed last-use write does not change that").isTrue();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> readOnly.create("alice", null, List.of(), null))
                        .isInstanceOf(StoreReadOnlyException.class)
                        .hasMessageStartingWith("database is read-only (")
                        .hasMessageContaining("could not create a key");
            }
            assertThatThrownBy(() -> readOnly.revoke(key.key().id())).isInstanceOf(StoreReadOnlyException.class);

            dev.pkauth.http.KeysEndpoint endpoint = new dev.pkauth.http.KeysEndpoint(readOnly, "api", "/api/keys");
            ApiKeyPrincipal caller = ((Verification.Valid) readOnly.verify(key.token())).principal();
            byte[] body = "{\"name\":\"ci\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            dev.pkauth.http.KeysEndpoint.Answer created = endpoint.handle(new dev.pkauth.http.KeysEndpoint.Request("POST", "",
                    null, "application/json", body.length, null, new java.io.ByteArrayInputStream(body), caller));
            assertThat(created.status()).as(created.body()).isEqualTo(500);
            assertThat(created.body()).contains("\"store_read_only\"");
            assertThat(created.headers()).doesNotContainKey("Retry-After");
            assertThat(endpoint.handle(new dev.pkauth.http.KeysEndpoint.Request("GET", "", null, null, -1, null,
                    java.io.InputStream.nullInputStream(), caller)).status()).as("listing only reads").isEqualTo(200);
            errors = logs.atLeast(ch.qos.logback.classic.Level.ERROR);
            assertThat(logs.atLeast(ch.qos.logback.classic.Level.WARN).stream()
                            .filter(w -> !w.contains("bytes long; use a random secret")).toList())
                    .as("no per-request warnings either (the test pepper's start-up warning aside)")
                    .allSatisfy(w -> assertThat(w).contains("is read-only"));
        }
        assertThat(errors).singleElement().satisfies(e -> assertThat(e)
                .contains("is read-only", "table " + table, "verification keeps working", "First refused: record key use"));
    }

    @Test
    void eachRowRecordsAFingerprintOfItsPepperThatIsNotThePepper() throws Exception {
        IssuedKey key = store.create("alice", null, List.of(), null);

        String recorded = pepperIdOf(key);

        assertThat(recorded).isEqualTo(SecretHasher.fingerprint("contract-pepper")).matches("[0-9a-f]{4}");
        assertThat(SecretHasher.fingerprint("pepper-B")).isNotEqualTo(recorded);
    }

    @Test
    void aKeyUnderAPepperThisProcessLacksIsNamedAtStartAndOnVerification() throws Exception {
        IssuedKey underA = store.create("alice", null, List.of(), null);
        store.close();

        List<String> warnings;
        try (dev.pkauth.testing.Logs logs = dev.pkauth.testing.Logs.capture()) {
            store = reopen(b -> b.pepper("pepper-B"));
            warnings = logs.atLeast(ch.qos.logback.classic.Level.WARN);
        }

        assertThat(warnings).filteredOn(w -> w.contains("pepper this process does not have")).singleElement()
                .satisfies(w -> assertThat(w).contains("1 of the 1 newest keys", SecretHasher.fingerprint("contract-pepper"),
                        SecretHasher.fingerprint("pepper-B"), "PKAUTH_PEPPER").doesNotContain("contract-pepper", "pepper-B"));
        try (dev.pkauth.testing.Logs logs = dev.pkauth.testing.Logs.capture()) {
            for (int i = 0; i < 3; i++) assertThat(reason(underA.token())).isEqualTo(Reason.UNKNOWN_PEPPER);
            assertThat(logs.atLeast(ch.qos.logback.classic.Level.WARN)).as("on verification: once per key, at WARN")
                    .singleElement().satisfies(w -> assertThat(w)
                            .contains(underA.key().prefix(), "pepper this process does not have",
                                    SecretHasher.fingerprint("contract-pepper"), "PKAUTH_PEPPER_PREVIOUS")
                            .doesNotContain("contract-pepper", "pepper-B"));
        }
    }

    @Test
    void aRowWithoutAFingerprintStillVerifiesAndGainsOne() throws Exception {
        IssuedKey key = store.create("alice", null, List.of(), null);
        try (Connection c = rawConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE " + table + " SET pepper_id = NULL"); // as Pylon, or pkauth before 0.1, wrote it
        }
        store.close();
        store = reopen(b -> b.pepper("contract-pepper"));

        assertThat(store.verify(key.token()).isValid()).isTrue();

        assertThat(pepperIdOf(key)).isEqualTo(SecretHasher.fingerprint("contract-pepper"));
        store.close();
        store = reopen(b -> b.pepper("pepper-B"));
        assertThat(reason(key.token())).as("a wrong secret and an unknown pepper are told apart").isEqualTo(Reason.UNKNOWN_PEPPER);
    }

    @Test
    void keysNeverUsedAfterAPepperRemovalStopVerifying() {
        IssuedKey underA = store.create("alice", null, List.of(), null);
        store.close();

        store = reopen(b -> b.pepper("pepper-B"));

        assertThat(reason(underA.token())).isEqualTo(Reason.UNKNOWN_PEPPER);
    }

    @Test
    void migrationIsIdempotent() {
        store.close();
        store = reopen(b -> b.pepper("contract-pepper"));
        store.close();
        store = reopen(b -> b.pepper("contract-pepper"));
        assertThat(store.create("alice", null, List.of(), null).token()).matches(TOKEN_SHAPE);
    }

    @Test
    void aDatabaseThatCannotAnswerIsUnavailableNotAnInvalidKey() throws Exception {
        IssuedKey issued = store.create("alice", null, List.of(), null);
        leftBroken = true;
        try (Connection c = rawConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + table);
        }

        assertThatThrownBy(() -> store.verify(issued.token()))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageNotContaining(issued.token().substring(40));
        assertThatThrownBy(() -> store.create("alice", null, List.of(), null)).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> store.list("alice")).isInstanceOf(StoreUnavailableException.class);
    }

    static byte[] hmac(String pepper, String secret) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(pepper.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(secret.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }
}
