package dev.pkauth.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.PkauthException;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.PostgresSupport;
import dev.pkauth.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What only a database shows: encryption at rest, plaintext rows, key rotation, Pylon tables, failures. */
abstract class PersistentAccountStoreContract extends AccountStoreContract {
    static final String KEY_A = Base64.getEncoder().encodeToString(new byte[32]);
    static final String KEY_B = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    TestDatabase db;
    String table;

    abstract Backend backend();

    @BeforeEach
    @Override
    void open() {
        db = TestDatabase.create(backend(), dir);
        table = PostgresSupport.uniqueTable("accounts");
        super.open();
    }

    @Override
    AccountStore.Builder builder() {
        AccountStore.Builder b = AccountStore.builder().jdbcUrl(db.jdbcUrl()).table(table);
        if (db.user() != null) b.credentials(db.user(), db.password());
        return b;
    }

    String raw(String column, String accountId) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + column + " FROM " + table + " WHERE account_id = '" + accountId + "'")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void withAKeyTokensAreEncryptedAtRestAndReadBackPlain() throws Exception {
        try (AccountStore encrypted = builder().encryptionKey(KEY_A).build()) {
            encrypted.link(AccountLink.of("alice", "github", "1").accessToken("gho_plain").refreshToken("ghr_plain")
                    .idToken("id_plain").build());
            for (String column : new String[] {"access_token", "refresh_token", "id_token"}) {
                assertThat(raw(column, "1")).startsWith("pkenc:v2:").doesNotContain("plain");
            }
            assertThat(encrypted.find("github", "1").orElseThrow().accessToken()).isEqualTo("gho_plain");
            assertThat(encrypted.toString()).contains("encrypted");
        }
    }

    @Test
    void withAKeyAPlaintextTokenIsRefusedUnlessPlaintextReadsAreAllowed() throws Exception {
        accounts.link(AccountLink.of("alice", "github", "1").accessToken("written-in-plaintext").build());
        assertThat(raw("access_token", "1")).isEqualTo("written-in-plaintext");
        try (AccountStore encrypted = builder().encryptionKey(KEY_A).build()) {
            assertThatThrownBy(() -> encrypted.find("github", "1")).isInstanceOf(PkauthException.class)
                    .hasMessageContaining("plaintext").hasMessageNotContaining("written-in-plaintext");
            assertThat(encrypted.summaries("alice")).singleElement().satisfies(a -> assertThat(a.hasAccessToken()).isTrue());
        }
        try (AccountStore migrating = builder().encryptionKey(KEY_A).readPlaintextTokens(true).build()) {
            LinkedAccount read = migrating.find("github", "1").orElseThrow();
            assertThat(read.accessToken()).isEqualTo("written-in-plaintext");
            migrating.link(AccountLink.of("alice", "github", "1").accessToken(read.accessToken()).build());
        }
        assertThat(raw("access_token", "1")).as("linking again encrypted it").startsWith("pkenc:v2:");
    }

    @Test
    void aCiphertextGivenToAnotherUserFailsAuthentication() throws Exception {
        try (AccountStore encrypted = builder().encryptionKey(KEY_A).build()) {
            encrypted.link(AccountLink.of("alice", "github", "1").accessToken("alice-token").build());
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("UPDATE " + table + " SET user_id = 'mallory' WHERE account_id = '1'");
            }
            assertThatThrownBy(() -> encrypted.list("mallory")).isInstanceOf(PkauthException.class).hasMessageContaining("tampered");
        }
    }

    /** A value as pkauth sealed it before v2: associated data without the user. */
    static String sealV1(String base64Key, String plain, String provider, String account, String column) throws Exception {
        byte[] key = Base64.getDecoder().decode(base64Key);
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
                new javax.crypto.spec.GCMParameterSpec(128, nonce));
        c.updateAAD((provider + "\u0000" + account + "\u0000" + column).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] sealed = c.doFinal(plain.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] all = java.nio.ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8);
        return "pkenc:v1:" + id + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(all);
    }

    void sql(String statement) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.executeUpdate(statement);
        }
    }

    @Test
    void aLegacyV1TokenIsResealedToItsUserWhenReadAndRefusedOnceNoneRemain() throws Exception {
        try (AccountStore s = builder().encryptionKey(KEY_B).build()) {
            s.link(AccountLink.of("alice", "github", "7").accessToken("placeholder").build());
        }
        sql("UPDATE " + table + " SET access_token = '" + sealV1(KEY_B, "gho_legacy", "github", "7", "access_token")
                + "' WHERE account_id = '7'");
        try (AccountStore s = builder().encryptionKey(KEY_B).build()) {
            assertThat(s.find("github", "7").orElseThrow().accessToken()).isEqualTo("gho_legacy");
            assertThat(raw("access_token", "7")).as("re-sealed, bound to alice").startsWith("pkenc:v2:");
        }
        sql("UPDATE " + table + " SET user_id = 'mallory' WHERE account_id = '7'");
        try (AccountStore s = builder().encryptionKey(KEY_B).build()) {
            assertThatThrownBy(() -> s.find("github", "7")).as("moved to another user").isInstanceOf(PkauthException.class);
            sql("UPDATE " + table + " SET user_id = 'alice', access_token = '"
                    + sealV1(KEY_B, "gho_planted", "github", "7", "access_token") + "' WHERE account_id = '7'");
            assertThatThrownBy(() -> s.find("github", "7")).as("a v1 value planted after none remained")
                    .isInstanceOf(PkauthException.class).hasMessageContaining("pkenc:v1").hasMessageNotContaining("gho_planted");
        }
    }

    @Test
    void summariesNeedNoKey() {
        try (AccountStore encrypted = builder().encryptionKey(KEY_A).build()) {
            encrypted.link(AccountLink.of("alice", "github", "1").accessToken("secret-token").scope("repo").build());
        }
        try (AccountStore keyless = builder().build()) {
            assertThatThrownBy(() -> keyless.list("alice")).isInstanceOf(PkauthException.class);
            assertThat(keyless.summaries("alice")).singleElement().satisfies(a -> {
                assertThat(a.providerId()).isEqualTo("github");
                assertThat(a.scope()).isEqualTo("repo");
                assertThat(a.hasAccessToken()).isTrue();
                assertThat(a.hasRefreshToken()).isFalse();
                assertThat(a.toString()).doesNotContain("secret-token").doesNotContain("pkenc");
            });
        }
    }

    @Test
    void keysRotateAndAMissingKeyIsAClearError() {
        try (AccountStore underA = builder().encryptionKey(KEY_A).build()) {
            underA.link(AccountLink.of("alice", "github", "1").accessToken("token-under-a").build());
        }
        try (AccountStore rotated = builder().encryptionKey(KEY_B).encryptionKey(KEY_A).build()) {
            assertThat(rotated.find("github", "1").orElseThrow().accessToken()).isEqualTo("token-under-a");
            rotated.link(AccountLink.of("bob", "github", "2").accessToken("token-under-b").build());
        }
        try (AccountStore onlyB = builder().encryptionKey(KEY_B).build()) {
            assertThat(onlyB.find("github", "2").orElseThrow().accessToken()).isEqualTo("token-under-b");
            assertThatThrownBy(() -> onlyB.find("github", "1")).isInstanceOf(PkauthException.class)
                    .isNotInstanceOf(StoreUnavailableException.class).hasMessageContaining("PKAUTH_ACCOUNT_KEY_PREVIOUS");
        }
    }

    @Test
    void aCiphertextMovedToAnotherRowFailsAuthentication() throws Exception {
        try (AccountStore encrypted = builder().encryptionKey(KEY_A).build()) {
            encrypted.link(AccountLink.of("alice", "github", "1").accessToken("alice-token").build());
            encrypted.link(AccountLink.of("mallory", "github", "2").accessToken("mallory-token").build());
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("UPDATE " + table + " SET access_token = '" + raw("access_token", "1") + "' WHERE account_id = '2'");
            }
            assertThatThrownBy(() -> encrypted.find("github", "2")).isInstanceOf(PkauthException.class).hasMessageContaining("tampered");
        }
    }

    @Test
    void badAccountKeysAreRefused() {
        assertThatThrownBy(() -> builder().encryptionKey("not base64!")).hasMessageContaining("openssl rand -base64 32");
        assertThatThrownBy(() -> builder().encryptionKey(Base64.getEncoder().encodeToString(new byte[16]))).hasMessageContaining("32 bytes");
    }

    @Test
    void aPylonShapedTableIsReadAsItIs() throws Exception {
        String pylon = "_pylon_accounts_" + ProcessHandle.current().pid() + "_" + backend().name().toLowerCase();
        String integer = backend() == Backend.SQLITE ? "INTEGER" : "BIGINT";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + pylon);
            s.execute("CREATE TABLE " + pylon + " (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, provider_id TEXT NOT NULL, "
                    + "account_id TEXT NOT NULL, access_token TEXT, refresh_token TEXT, id_token TEXT, access_token_expires_at "
                    + integer + ", refresh_token_expires_at " + integer + ", scope TEXT, password TEXT, created_at " + integer
                    + " NOT NULL, updated_at " + integer + " NOT NULL, UNIQUE (provider_id, account_id))");
            s.execute("INSERT INTO " + pylon + " VALUES ('pylon-row-1', 'u1', 'google', 'g-77', 'ya29.token', NULL, NULL, "
                    + "1767225600, NULL, 'openid email', NULL, 1767000000, 1767100000)");
        }
        AccountStore.Builder b = AccountStore.builder().jdbcUrl(db.jdbcUrl()).table(pylon).encryptionKey(KEY_A)
                .readPlaintextTokens(true); // Pylon writes tokens in plaintext
        if (db.user() != null) b.credentials(db.user(), db.password());
        try (AccountStore p = b.build()) {
            LinkedAccount a = p.find("google", "g-77").orElseThrow();
            assertThat(a.id()).isEqualTo("pylon-row-1");
            assertThat(a.userId()).isEqualTo("u1");
            assertThat(a.accessToken()).isEqualTo("ya29.token");
            assertThat(a.scope()).isEqualTo("openid email");
            assertThat(a.accessTokenExpiresAt().getEpochSecond()).isEqualTo(1767225600L);
            assertThat(p.list("u1")).containsExactly(a);
        }
    }

    @Test
    void aDatabaseErrorSurfacesAsUnavailableNeverAsFalseOrEmpty() throws Exception {
        accounts.link(AccountLink.of("alice", "github", "1").build());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + table);
        }
        assertThatThrownBy(() -> accounts.find("github", "1")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> accounts.list("alice")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> accounts.unlink("github", "1")).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> accounts.link(AccountLink.of("alice", "github", "2").build())).isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(() -> accounts.listAll(null, 10)).isInstanceOf(StoreUnavailableException.class);
    }
}
