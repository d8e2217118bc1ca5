package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One idempotent migration path from every earlier shape of the table: Pylon's nine columns, and
 * pkauth's first release (Pylon's columns and revoked_at). Each is upgraded in place, twice, and
 * its old key keeps working with every feature added since.
 */
class MigrationTest {
    static final String PEPPER = PylonCompatibilityTest.PEPPER;
    static final String ID = PylonCompatibilityTest.ID;
    static final String TOKEN = "pk." + ID + "." + PylonCompatibilityTest.SECRET;

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"SQLITE, pylon", "SQLITE, pkauth-0.1", "POSTGRESQL, pylon", "POSTGRESQL, pkauth-0.1"})
    void anEarlierTableIsUpgradedInPlaceAndEverythingWorksOnIt(Backend backend, String shape) throws Exception {
        TestDatabase db = TestDatabase.create(backend, dir);
        String integer = backend == Backend.SQLITE ? "INTEGER" : "BIGINT";
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + db.table() + " (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
                    + "name TEXT NOT NULL DEFAULT '', prefix TEXT NOT NULL DEFAULT '', secret_hash TEXT NOT NULL, "
                    + "scopes TEXT, expires_at " + integer + ", last_used_at " + integer + ", created_at " + integer
                    + " NOT NULL" + (shape.equals("pylon") ? "" : ", revoked_at " + integer) + ")");
            if (!shape.equals("pylon")) s.execute("CREATE INDEX " + db.table() + "_user_id_idx ON " + db.table() + " (user_id)");
            s.execute("INSERT INTO " + db.table() + " (id, user_id, name, prefix, secret_hash, scopes, created_at) VALUES ('"
                    + ID + "', 'u1', 'old key', 'pk.key_PylonCom', '" + PylonCompatibilityTest.OPENSSL_HASH
                    + "', 'keys:write', 1700000000)");
        }

        for (int run = 0; run < 2; run++) { // idempotent: the second start changes nothing and fails nothing
            try (ApiKeyStore store = db.builderWithoutPepper().pepper(PEPPER).executor(Runnable::run)
                    .cacheTtl(Duration.ofHours(1)).build()) {
                ApiKeyPrincipal old = ((Verification.Valid) store.verify(TOKEN, "192.0.2.1")).principal();
                if (run == 0) {
                    IssuedKey child = store.create(old, KeySpec.of(null, List.of()).metadata("{\"m\":1}")
                            .limits(UsageLimits.NONE.withCredits(5)).allowedIps(IpAllowlist.parse("192.0.2.0/24")));
                    assertThat(store.find(child.key().id()).orElseThrow().createdBy()).isEqualTo(ID);
                    assertThat(store.admit(((Verification.Valid) store.verify(child.token(), "192.0.2.1")).principal()))
                            .isEqualTo(new Usage.Allowed(null, 4L));
                    assertThat(store.disable(ID)).isTrue();
                    assertThat(store.verify(child.token()).isValid()).as("disabled with its parent").isFalse();
                    assertThat(store.enable(ID)).isTrue();
                    store.flush();
                    assertThat(store.find(ID).orElseThrow().lastUsedIp()).isEqualTo("192.0.2.1");
                    // The cascades' rows for the child come after the parent's own.
                    assertThat(store.operations().auditLog(null, "u1", null, 10, null)).extracting(AuditEvent::action, AuditEvent::keyId)
                            .containsExactly(org.assertj.core.api.Assertions.tuple("enable", child.key().id()),
                                    org.assertj.core.api.Assertions.tuple("enable", ID),
                                    org.assertj.core.api.Assertions.tuple("disable", child.key().id()),
                                    org.assertj.core.api.Assertions.tuple("disable", ID),
                                    org.assertj.core.api.Assertions.tuple("create", child.key().id()));
                    // A change typed in SQL reaches this caching store through the trigger the migration added.
                    try (Connection c = db.connect(); Statement s = c.createStatement()) {
                        s.executeUpdate("UPDATE " + db.table() + " SET revoked_at = 1 WHERE id = '" + child.key().id() + "'");
                    }
                    assertThat(VerificationCacheTest.awaitInvalid(store, child.token())).isLessThan(5_000);
                }
            }
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + db.table() + " WHERE 1 = 0")) {
            java.util.Set<String> columns = new java.util.HashSet<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) columns.add(rs.getMetaData().getColumnName(i).toLowerCase());
            assertThat(columns).contains("revoked_at", "created_by", "rate_limit", "rate_window", "credits", "refill_amount",
                    "refill_interval", "last_refill_at", "disabled_at", "metadata", "allowed_ips", "last_used_ip");
        }
    }
}
