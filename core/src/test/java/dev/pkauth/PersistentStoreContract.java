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
import org.junit.jupiter.api.Test;

/** What only a database can show: reopening, pepper rotation, the stored hash, failures. */
abstract class PersistentStoreContract extends ApiKeyStoreContract {
    String table = dev.pkauth.testing.PostgresSupport.uniqueTable("keys");

    @Override
    @org.junit.jupiter.api.BeforeEach
    void open() {
        store = reopen(b -> b.pepper("contract-pepper"));
    }

    ApiKeyStore reopen(java.util.function.UnaryOperator<ApiKeyStore.Builder> peppers) {
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
    void keysUnderAPreviousPepperVerifyAndAreRehashed() {
        IssuedKey underA = store.create("alice", null, List.of(), null);
        store.close();

        store = reopen(b -> b.pepper("pepper-B").previousPeppers("contract-pepper"));
        assertThat(store.verify(underA.token()).isValid()).as("verifies under previous pepper").isTrue();
        IssuedKey underB = store.create("alice", null, List.of(), null);
        store.close();

        store = reopen(b -> b.pepper("pepper-B"));
        assertThat(store.verify(underA.token()).isValid()).as("re-hashed under B").isTrue();
        assertThat(store.verify(underB.token()).isValid()).isTrue();
    }

    @Test
    void keysNeverUsedAfterAPepperRemovalStopVerifying() {
        IssuedKey underA = store.create("alice", null, List.of(), null);
        store.close();

        store = reopen(b -> b.pepper("pepper-B"));

        assertThat(reason(underA.token())).isEqualTo(Reason.BAD_SECRET);
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
