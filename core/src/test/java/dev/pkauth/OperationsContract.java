package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.testing.Backend;
import dev.pkauth.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operating keys, the same on every backend; time moves by the injected clock. */
abstract class OperationsContract {
    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    final List<AuditEvent> heard = new CopyOnWriteArrayList<>();
    ApiKeyStore store;

    abstract Backend backend();

    @BeforeEach
    void open() {
        store = backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("ops-pepper")
                .maxKeysPerUser(10_000).auditListener(heard::add).build();
    }

    @AfterEach
    void close() {
        try {
            StoreInvariants.check(store);
        } finally {
            store.close();
        }
    }

    ApiKeyPrincipal principal(IssuedKey k) {
        return ((Verification.Valid) store.verify(k.token())).principal();
    }

    Verification.Reason reason(IssuedKey k) {
        return ((Verification.Invalid) store.verify(k.token())).reason();
    }

    @Test
    void anIdempotencyKeyMintsOnceForItsRequestAndADayOnly() {
        KeySpec spec = KeySpec.of("ci", List.of("docs:read"));
        IdempotencyKey key = new IdempotencyKey("deploy-1", "create ci docs:read");
        IssueResult first = store.withIdempotencyKey(key).create("alice", spec);
        assertThat(first.replayed()).isFalse();
        assertThat(store.verify(first.issued().token()).isValid()).isTrue();

        IssueResult again = store.withIdempotencyKey(key).create("alice", spec);
        assertThat(again.replayed()).isTrue();
        assertThat(again.issued()).isNull();
        assertThat(again.key().id()).isEqualTo(first.key().id());
        assertThat(store.list("alice")).hasSize(1);

        assertThatThrownBy(() -> store.withIdempotencyKey(new IdempotencyKey("deploy-1", "create another")).create("alice", spec))
                .isInstanceOfSatisfying(IdempotencyConflictException.class, e -> assertThat(e.inProgress()).isFalse());
        assertThat(store.withIdempotencyKey(key).create("bob", spec).replayed()).as("another owner's key space").isFalse();

        IssueResult rotated = store.withIdempotencyKey(new IdempotencyKey("rotate-1", "")).rotate(first.key().id(), Duration.ZERO)
                .orElseThrow();
        IssueResult rotatedAgain = store.withIdempotencyKey(new IdempotencyKey("rotate-1", "")).rotate(first.key().id(), Duration.ZERO)
                .orElseThrow();
        assertThat(rotatedAgain.replayed()).isTrue();
        assertThat(rotatedAgain.key().id()).isEqualTo(rotated.key().id())
                .isEqualTo(store.find(first.key().id()).orElseThrow().rotatedTo());

        clock.advance(Duration.ofDays(1).plusSeconds(1));
        assertThat(store.withIdempotencyKey(key).create("alice", spec).replayed()).as("a day later, a new request").isFalse();
        assertThat(store.list("alice")).hasSize(2);
    }

    @Test
    void concurrentRepeatsOfAnIdempotentMintMakeOneKey() throws Exception {
        IdempotencyKey key = new IdempotencyKey("burst", "{}");
        int threads = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    start.await();
                    try {
                        outcomes.add(store.withIdempotencyKey(key).create("carol", KeySpec.of("burst", List.of())));
                    } catch (IdempotencyConflictException e) {
                        assertThat(e.inProgress()).isTrue();
                        outcomes.add(e);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (var f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(outcomes).filteredOn(o -> o instanceof IssueResult r && !r.replayed()).hasSize(1);
        assertThat(store.list("carol")).hasSize(1);
    }

    @Test
    void aDisabledKeyAndTheKeysItMintedFailUntilItIsEnabled() {
        IssuedKey parent = store.create("alice", null, List.of("keys:write"), null);
        IssuedKey child = store.create(principal(parent), null, List.of(), null);
        IssuedKey ownDisable = store.create(principal(parent), null, List.of(), null);
        store.disable(ownDisable.key().id());
        assertThat(store.verify(child.token()).isValid()).as("cached before").isTrue();

        assertThat(store.disable(parent.key().id())).isTrue();
        assertThat(store.disable(parent.key().id())).as("already disabled").isFalse();

        assertThat(reason(parent)).isEqualTo(Verification.Reason.DISABLED);
        assertThat(reason(child)).isEqualTo(Verification.Reason.DISABLED);
        assertThat(store.find(child.key().id()).orElseThrow().statusAt(clock.instant())).isEqualTo(ApiKey.Status.DISABLED);

        assertThat(store.enable(parent.key().id())).isTrue();
        assertThat(store.verify(parent.token()).isValid()).isTrue();
        assertThat(store.verify(child.token()).isValid()).isTrue();
        assertThat(reason(ownDisable)).as("disabled on its own, it stays so").isEqualTo(Verification.Reason.DISABLED);
        assertThat(store.enable(child.key().id())).as("nothing was disabled through the child").isFalse();
    }

    @Test
    void rotatingADisabledKeyGivesADisabledSuccessorThatEnablingItLifts() {
        IssuedKey parent = store.create("alice", null, List.of("keys:write"), null);
        IssuedKey child = store.create(principal(parent), null, List.of(), null);
        IssuedKey own = store.create("alice", null, List.of(), null);
        store.disable(parent.key().id());
        store.disable(own.key().id());

        IssuedKey childSuccessor = store.rotate(child.key().id(), java.time.Duration.ZERO).orElseThrow();
        IssuedKey ownSuccessor = store.rotate(own.key().id(), java.time.Duration.ZERO).orElseThrow();
        assertThat(reason(childSuccessor)).isEqualTo(Verification.Reason.DISABLED);
        assertThat(reason(ownSuccessor)).isEqualTo(Verification.Reason.DISABLED);

        store.enable(parent.key().id());
        assertThat(store.verify(childSuccessor.token()).isValid()).as("disabled through the parent, enabled with it").isTrue();
        store.enable(ownSuccessor.key().id());
        assertThat(store.verify(ownSuccessor.token()).isValid()).isTrue();
    }

    @Test
    void anOperatorsSuspensionHoldsAgainstTheKeyHolderWhoseOwnDisableTheyMayUndo() {
        IssuedKey a = store.create("alice", null, List.of("keys:write"), null);
        IssuedKey b = store.create("alice", null, List.of(), null);
        ApiKeyStore holder = store.forKeyHolder("alice");
        store.withActor("support:bob").disable(a.key().id());

        assertThat(holder.enable(a.key().id())).as("the customer cannot lift a suspension").isFalse();
        assertThat(reason(a)).isEqualTo(Verification.Reason.DISABLED);

        assertThat(holder.disable(b.key().id())).isTrue();
        assertThat(holder.enable(b.key().id())).as("their own disable they may undo").isTrue();
        assertThat(store.verify(b.token()).isValid()).isTrue();

        assertThat(store.withActor("support:bob").enable(a.key().id())).isTrue();
        assertThat(store.verify(a.token()).isValid()).isTrue();
        assertThat(heard).filteredOn(e -> b.key().id().equals(e.keyId())).extracting(AuditEvent::actor)
                .as("a key holder's changes are recorded as user:<id>, typed apart from operators")
                .contains("user:alice").doesNotContain("alice");
    }

    @Test
    void noEnableMakesAKeyValidWhileAKeyThatMintedItIsDisabled() {
        IssuedKey parent = store.create("alice", null, List.of("keys:write"), null);
        IssuedKey child = store.create(principal(parent), null, List.of(), null);
        store.forKeyHolder("alice").disable(child.key().id());
        store.disable(parent.key().id()); // the child, already disabled, is not re-marked

        assertThat(store.forKeyHolder("alice").enable(child.key().id())).isFalse();
        assertThat(store.enable(child.key().id())).isFalse();
        assertThat(reason(child)).isEqualTo(Verification.Reason.DISABLED);
        store.enable(parent.key().id());
        assertThat(store.forKeyHolder("alice").enable(child.key().id())).as("once the parent is enabled").isTrue();
        assertThat(store.verify(child.token()).isValid()).isTrue();
    }

    @Test
    void mintAndRevokeChurnIsBoundedByTheKeyCapPerHour() {
        try (ApiKeyStore capped = backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("ops-pepper")
                .maxKeysPerUser(3).build()) {
            for (int i = 0; i < 30; i++) capped.revoke(capped.create("churn", null, List.of(), null).key().id());
            assertThatThrownBy(() -> capped.create("churn", null, List.of(), null))
                    .isInstanceOf(KeyLimitExceededException.class)
                    .hasMessageContaining("created 30 keys in the last hour, the most allowed (ten times PKAUTH_MAX_KEYS_PER_USER)");
            assertThat(capped.create("someone-else", null, List.of(), null)).as("per user").isNotNull();
            clock.advance(java.time.Duration.ofMinutes(61));
            assertThat(capped.create("churn", null, List.of(), null)).as("an hour later").isNotNull();
        }
    }

    @Test
    void aDisabledKeyCanMintNothing() {
        IssuedKey parent = store.create("alice", null, List.of("keys:write"), null);
        ApiKeyPrincipal p = principal(parent);
        store.disable(parent.key().id());
        assertThatThrownBy(() -> store.create(p, null, List.of(), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer active");
        assertThat(store.list("alice")).hasSize(1);
    }

    /**
     * Minters racing a disable, many rounds: once {@code disable} has returned, no key of the tree
     * is enabled (each mint either committed before the disable reached its parent, and was
     * disabled with it, or saw the parent disabled and failed).
     */
    @Test
    void afterADisableReturnsNoKeyMintedAroundItIsEnabled() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 15; round++) {
                String user = "racer" + round;
                IssuedKey root = store.create(user, null, List.of("keys:write"), null);
                IssuedKey middle = store.create(principal(root), null, List.of("keys:write"), null);
                ApiKeyPrincipal minter = principal(middle);
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.CountDownLatch minting = new java.util.concurrent.CountDownLatch(3);
                java.util.concurrent.atomic.AtomicBoolean disabled = new java.util.concurrent.atomic.AtomicBoolean();
                List<java.util.concurrent.Future<List<IssuedKey>>> minters = new java.util.ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    minters.add(pool.submit(() -> {
                        List<IssuedKey> minted = new java.util.ArrayList<>();
                        go.await();
                        // Keep minting until a mint fails after the disable returned.
                        while (true) {
                            boolean after = disabled.get();
                            try {
                                minted.add(store.create(minter, null, List.of(), null));
                                if (minted.size() == 1) minting.countDown();
                            } catch (IllegalStateException refused) {
                                if (after) return minted;
                            }
                        }
                    }));
                }
                go.countDown();
                assertThat(minting.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("every minter under way").isTrue();
                store.disable(root.key().id());
                disabled.set(true);
                for (java.util.concurrent.Future<List<IssuedKey>> f : minters) {
                    for (IssuedKey k : f.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        assertThat(store.verify(k.token()).isValid()).as("round %d: %s", round, k.key().id()).isFalse();
                        assertThat(store.find(k.key().id()).orElseThrow().disabledAt()).isNotNull();
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void metadataIsAJsonObjectOfAtMost4KbShownOnTheKeyAndThePrincipal() {
        IssuedKey k = store.create("alice", KeySpec.of("CI", List.of()).metadata("{\"plan\":\"pro\",\"seats\":[1,2]}"));
        assertThat(k.key().metadata()).isEqualTo("{\"plan\":\"pro\",\"seats\":[1,2]}");
        assertThat(principal(k).metadata()).isEqualTo("{\"plan\":\"pro\",\"seats\":[1,2]}");

        assertThat(store.metadata(k.key().id(), "{\"plan\":\"team\"}").orElseThrow().metadata()).isEqualTo("{\"plan\":\"team\"}");
        assertThat(principal(k).metadata()).as("the cache dropped the old one").isEqualTo("{\"plan\":\"team\"}");
        assertThat(store.metadata(k.key().id(), null).orElseThrow().metadata()).isNull();

        for (String bad : List.of("[]", "\"x\"", "{", "{\"a\":}", "{} {}", "{'a':1}", "{\"a\":01}")) {
            assertThatThrownBy(() -> store.metadata(k.key().id(), bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
        }
        String big = "{\"x\":\"" + "y".repeat(4090) + "\"}";
        assertThatThrownBy(() -> store.metadata(k.key().id(), big)).hasMessageContaining("4096 bytes");
    }

    @Test
    void allowlistsAreStoredCanonicallyAndAChildMayNotWidenThem() {
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of("keys:write"))
                .allowedIps(IpAllowlist.parse("203.0.113.9/24")));
        assertThat(store.find(k.key().id()).orElseThrow().allowedIps()).hasToString("203.0.113.0/24");
        ApiKeyPrincipal p = principal(k);
        assertThat(p.allowedIps().allows("203.0.113.200")).isTrue();

        assertThat(store.create(p, KeySpec.of(null, List.of())).key().allowedIps()).as("inherited").isEqualTo(p.allowedIps());
        assertThat(store.create(p, KeySpec.of(null, List.of()).allowedIps(IpAllowlist.parse("203.0.113.8/29")))
                .key().allowedIps()).hasToString("203.0.113.8/29");
        assertThatThrownBy(() -> store.create(p, KeySpec.of(null, List.of()).allowedIps(IpAllowlist.parse("0.0.0.0/0"))))
                .isInstanceOf(SecurityException.class);

        assertThat(store.allowedIps(k.key().id(), null).orElseThrow().allowedIps()).isNull();
    }

    @Test
    void theLastUseRecordsItsAddress() {
        IssuedKey k = store.create("alice", null, List.of(), null);
        assertThat(store.verify(k.token(), "198.51.100.7").isValid()).isTrue();
        store.flush();
        ApiKey read = store.find(k.key().id()).orElseThrow();
        assertThat(read.lastUsedIp()).isEqualTo("198.51.100.7");
        assertThat(read.lastUsedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aUseFromOutsideTheAllowlistIsNoUse() {
        IssuedKey k = store.create("alice", null, List.of(), null);
        store.allowedIps(k.key().id(), IpAllowlist.parse("10.0.0.0/8"));
        store.verify(k.token(), "198.51.100.7");
        store.flush();
        assertThat(store.find(k.key().id()).orElseThrow().lastUsedAt()).as("still never used").isNull();
        clock.advance(java.time.Duration.ofMinutes(5));
        store.verify(k.token(), "10.1.2.3");
        store.flush();
        assertThat(store.find(k.key().id()).orElseThrow().lastUsedIp()).isEqualTo("10.1.2.3");
    }

    @Test
    void revokeAllRevokesEveryKeyOfOneUser() {
        List<IssuedKey> alices = new ArrayList<>();
        for (int i = 0; i < 5; i++) alices.add(store.create("alice", null, List.of(), null));
        IssuedKey bob = store.create("bob", null, List.of(), null);
        alices.forEach(k -> assertThat(store.verify(k.token()).isValid()).isTrue());

        assertThat(store.revokeAll("alice")).isEqualTo(5);

        alices.forEach(k -> assertThat(reason(k)).isEqualTo(Verification.Reason.REVOKED));
        assertThat(store.verify(bob.token()).isValid()).isTrue();
        assertThat(store.revokeAll("alice")).isZero();
    }

    @Test
    void adminQueriesFilterAcrossUsersInKeysetPages() {
        IssuedKey stale = store.create("alice", null, List.of(), null);
        clock.advance(Duration.ofDays(100));
        IssuedKey soon = store.create("bob", null, List.of(), clock.instant().plus(Duration.ofDays(3)));
        IssuedKey later = store.create("carol", null, List.of(), clock.instant().plus(Duration.ofDays(30)));
        IssuedKey used = store.create("dave", null, List.of(), null);
        IssuedKey revoked = store.create("erin", null, List.of(), null);
        store.revoke(revoked.key().id());
        IssuedKey disabled = store.create("frank", null, List.of(), null);
        store.disable(disabled.key().id());
        store.verify(used.token());
        store.flush();

        assertThat(ids(KeyQuery.allUsers().unusedFor(Duration.ofDays(90)))).containsExactly(stale.key().id());
        assertThat(ids(KeyQuery.allUsers().expiringWithin(Duration.ofDays(7)))).containsExactly(soon.key().id());
        assertThat(ids(KeyQuery.allUsers().status(ApiKey.Status.REVOKED))).containsExactly(revoked.key().id());
        assertThat(ids(KeyQuery.allUsers().status(ApiKey.Status.DISABLED))).containsExactly(disabled.key().id());
        assertThat(ids(KeyQuery.allUsers().user("carol"))).containsExactly(later.key().id());
        assertThat(store.operations().count(KeyQuery.allUsers().status(ApiKey.Status.ACTIVE))).isEqualTo(4);

        List<String> all = new ArrayList<>();
        String after = null;
        do {
            KeyPage page = store.operations().query(KeyQuery.allUsers().limit(2).after(after));
            page.keys().forEach(key -> all.add(key.id()));
            after = page.next();
        } while (after != null);
        assertThat(all).hasSize(6).doesNotHaveDuplicates().endsWith(stale.key().id());
    }

    List<String> ids(KeyQuery q) {
        return store.operations().query(q).keys().stream().map(ApiKey::id).toList();
    }

    @Test
    void aSweepRevokesKeysUnusedForLongCountingNeverUsedOnesFromCreationWithADryRunFirst() {
        List<IssuedKey> old = new ArrayList<>();
        for (int i = 0; i < 2_050; i++) old.add(store.create("u" + (i % 50), null, List.of(), null));
        clock.advance(Duration.ofDays(60));
        IssuedKey usedLately = old.get(0);
        store.verify(usedLately.token());
        store.flush();
        IssuedKey young = store.create("u0", null, List.of(), null);
        clock.advance(Duration.ofDays(40));

        assertThat(store.operations().sweepUnused(Duration.ofDays(90), true, null)).as("dry run").isEqualTo(2_049);
        assertThat(store.find(old.get(1).key().id()).orElseThrow().revokedAt()).as("the dry run changed nothing").isNull();
        List<Long> progress = new ArrayList<>();

        assertThat(store.operations().sweepUnused(Duration.ofDays(90), false, progress::add)).isEqualTo(2_049);

        assertThat(progress).containsExactly(1_000L, 2_000L, 2_049L);
        assertThat(reason(old.get(1))).isEqualTo(Verification.Reason.REVOKED);
        assertThat(store.verify(usedLately.token()).isValid()).isTrue();
        assertThat(store.verify(young.token()).isValid()).isTrue();
        List<AuditEvent> sweeps = new ArrayList<>();
        Long before = null;
        for (List<AuditEvent> page; !(page = store.operations().auditLog(null, null, null, 500, before)).isEmpty(); before = page.get(page.size() - 1).id()) {
            page.stream().filter(e -> e.action().equals("sweep")).forEach(sweeps::add);
        }
        assertThat(sweeps).filteredOn(e -> e.keyId() == null).as("one row per batch").hasSize(3);
        assertThat(sweeps).filteredOn(e -> e.keyId() != null).as("and one per key, naming its user").hasSize(2_049)
                .allSatisfy(e -> assertThat(e.userId()).startsWith("u"));
    }

    @Test
    void aPurgeDeletesRowsRevokedOrExpiredLongAgoWithADryRunFirst() {
        IssuedKey revoked = store.create("alice", null, List.of(), null);
        store.revoke(revoked.key().id());
        IssuedKey expired = store.create("alice", null, List.of(), clock.instant().plusSeconds(60));
        IssuedKey live = store.create("alice", null, List.of(), null);
        clock.advance(Duration.ofDays(100));
        IssuedKey recentlyRevoked = store.create("alice", null, List.of(), null);
        store.revoke(recentlyRevoked.key().id());

        assertThat(store.operations().purgeEnded(Duration.ofDays(90), true, null)).isEqualTo(2);
        assertThat(store.find(revoked.key().id())).isPresent();
        assertThat(store.operations().purgeEnded(Duration.ofDays(90), false, null)).isEqualTo(2);

        assertThat(store.find(revoked.key().id())).isEmpty();
        assertThat(store.find(expired.key().id())).isEmpty();
        assertThat(store.find(live.key().id())).isPresent();
        assertThat(store.find(recentlyRevoked.key().id())).isPresent();
    }

    /**
     * A key policy refuses keys outside it at creation; keys already outside it (made before it)
     * fail verification with their own reason and are not revoked, so loosening it restores them.
     */
    @Test
    void aKeyPolicyRefusesKeysOutsideItAndKeysAlreadyOutsideItFailUntilItIsLoosened() {
        // The same table opened three times: without a policy, with one, without again. In memory
        // the table lives as long as its store, so there the store keeps its keys by staying open.
        String table = dev.pkauth.testing.PostgresSupport.uniqueTable("policy");
        boolean persists = backend() != Backend.IN_MEMORY;
        java.util.function.Function<KeyPolicy, ApiKeyStore> open = policy -> backend().builderFor(dir, table).clock(clock)
                .executor(Runnable::run).pepper("ops-pepper").keyPolicy(policy).build();
        store.close();
        store = open.apply(KeyPolicy.NONE);
        IssuedKey forever = store.create("alice", "made before the policy", List.of(), null);
        IssuedKey fits = store.create("alice", KeySpec.of(null, List.of()).expiresAt(clock.instant().plus(Duration.ofDays(30))).limits(UsageLimits.NONE.withCredits(5)));
        if (persists) store.close();
        store = open.apply(new KeyPolicy(Duration.ofDays(90), true, true));
        if (!persists) {
            forever = store.create("alice", KeySpec.of(null, List.of()).expiresAt(clock.instant().plus(Duration.ofDays(30))).limits(UsageLimits.NONE.withCredits(5)));
            fits = forever;
        }

        if (persists) assertThat(reason(forever)).isEqualTo(Verification.Reason.POLICY);
        assertThat(store.verify(fits.token()).isValid()).isTrue();
        UsageLimits credits = UsageLimits.NONE.withCredits(5);
        assertThatThrownBy(() -> store.create("alice", KeySpec.of(null, List.of()).limits(credits)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expire", "PKAUTH_MAX_KEY_LIFETIME");
        assertThatThrownBy(() -> store.create("alice", KeySpec.of(null, List.of()).expiresAt(clock.instant().plus(Duration.ofDays(91))).limits(credits)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 90d");
        assertThatThrownBy(() -> store.create("alice", null, List.of(), clock.instant().plus(Duration.ofDays(30))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKAUTH_REQUIRE_LIMITS");
        assertThat(store.create("alice", KeySpec.of(null, List.of()).expiresAt(clock.instant().plus(Duration.ofDays(90))).limits(credits)).key()).isNotNull();
        assertThat(store.find(forever.key().id()).orElseThrow().revokedAt()).as("refused, not revoked").isNull();
        if (!persists) return;

        store.close();
        store = open.apply(KeyPolicy.NONE);
        assertThat(store.verify(forever.token()).isValid()).as("the policy loosened").isTrue();
    }

    @Test
    void perScopeCeilingsBoundOnlyTheKeysHoldingThoseScopes() {
        store.close();
        store = backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("ops-pepper")
                .settings(Settings.of(java.util.Map.of(Settings.SCOPE_MAX_LIFETIME, "admin:*=7d, billing:write=30d"))).build();
        java.time.Instant in7 = clock.instant().plus(Duration.ofDays(7));
        IssuedKey admin = store.create("alice", "ops", List.of("admin:users"), in7);
        assertThat(store.verify(admin.token()).isValid()).isTrue();
        assertThatThrownBy(() -> store.create("alice", "ops", List.of("docs:read", "admin:users"), in7.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scope admin:users", "at most 7d",
                        "PKAUTH_SCOPE_MAX_LIFETIME");
        assertThatThrownBy(() -> store.create("alice", "billing", List.of("billing:write"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 30d");
        assertThat(store.create("alice", "reader", List.of("docs:read", "billing:read"), null).key()).as("no ceiling").isNotNull();
        assertThatThrownBy(() -> new KeyPolicy(null, false, false, java.util.Map.of("ad*min", Duration.ofDays(1))))
                .hasMessageContaining("X:*");
        assertThatThrownBy(() -> backend().newBuilder(dir).pepper("ops-pepper")
                .settings(Settings.of(java.util.Map.of(Settings.SCOPE_MAX_LIFETIME, "admin:*"))).build().close())
                .hasMessageContaining("PKAUTH_SCOPE_MAX_LIFETIME", "scope=duration");
    }

    /** Every key a cascade, a sweep or a purge changes has a row of its own, naming its user. */
    @Test
    void everyKeyAChangeReachesHasItsOwnAuditRow() {
        IssuedKey parent = store.create("alice", "parent", List.of("keys:write"), null);
        ApiKeyPrincipal p = ((Verification.Valid) store.verify(parent.token())).principal();
        IssuedKey child = store.create(p, "child", List.of("keys:write"), null);
        ApiKeyPrincipal c = ((Verification.Valid) store.verify(child.token())).principal();
        IssuedKey grandchild = store.create(c, "grandchild", List.of(), null);
        String via = "{\"via\":\"" + parent.key().id() + "\"}";

        store.disable(parent.key().id());
        store.enable(parent.key().id());
        store.revoke(parent.key().id());
        for (IssuedKey k : List.of(child, grandchild)) {
            List<AuditEvent> own = store.operations().auditLog(k.key().id(), null, null, 100, null);
            assertThat(own).filteredOn(e -> List.of("disable", "enable", "revoke").contains(e.action()))
                    .extracting(AuditEvent::action, AuditEvent::detail, AuditEvent::userId)
                    .containsExactly(org.assertj.core.api.Assertions.tuple("revoke", via, "alice"),
                            org.assertj.core.api.Assertions.tuple("enable", via, "alice"),
                            org.assertj.core.api.Assertions.tuple("disable", via, "alice"));
        }

        IssuedKey idle = store.create("bob", "idle", List.of(), null);
        clock.advance(Duration.ofDays(100));
        assertThat(store.operations().sweepUnused(Duration.ofDays(90), false, null)).isPositive();
        assertThat(store.operations().auditLog(idle.key().id(), null, null, 100, null)).extracting(AuditEvent::action, AuditEvent::userId)
                .contains(org.assertj.core.api.Assertions.tuple("sweep", "bob"));
        clock.advance(Duration.ofDays(100));
        assertThat(store.operations().purgeEnded(Duration.ofDays(30), false, null)).isPositive();
        for (IssuedKey k : List.of(parent, child, grandchild, idle)) {
            assertThat(store.find(k.key().id())).isEmpty();
            assertThat(store.operations().auditLog(k.key().id(), null, null, 100, null)).extracting(AuditEvent::action, AuditEvent::userId)
                    .as(k.key().name()).contains(org.assertj.core.api.Assertions.tuple("purge", k.key().userId()));
        }
    }

    @Test
    void everyManagementActionIsAuditedWithItsActorAndNothingSecret() {
        ApiKeyStore cli = store.withActor("cli:alice");
        IssuedKey k = cli.create("alice", "CI", List.of("docs:read"), null);
        cli.refresh(k.key().id(), clock.instant().plus(Duration.ofDays(5)));
        cli.limits(k.key().id(), UsageLimits.NONE.withCredits(10));
        cli.disable(k.key().id());
        cli.enable(k.key().id());
        cli.metadata(k.key().id(), "{\"plan\":\"pro\"}");
        cli.allowedIps(k.key().id(), IpAllowlist.parse("10.0.0.0/8"));
        IssuedKey successor = cli.rotate(k.key().id(), Duration.ofHours(1)).orElseThrow();
        store.revoke(successor.key().id());
        cli.revokeAll("alice");
        cli.operations().purge(k.key().id());
        cli.close(); // a view: closes nothing

        List<AuditEvent> log = store.operations().auditLog(null, "alice", null, 100, null);
        // revoke-all: its own row and one for the key it reached; rotate: on the old key and on the successor.
        assertThat(log).extracting(AuditEvent::action).containsExactly("purge", "revoke-all", "revoke-all", "revoke", "rotate",
                "rotate", "allowed-ips", "metadata", "enable", "disable", "limits", "refresh", "create");
        assertThat(log).filteredOn(e -> !e.action().equals("revoke")).allSatisfy(e -> assertThat(e.actor()).isEqualTo("cli:alice"));
        assertThat(log).filteredOn(e -> e.action().equals("revoke")).singleElement()
                .satisfies(e -> assertThat(e.actor()).isEqualTo(ApiKeyStore.DEFAULT_ACTOR));
        assertThat(store.operations().auditLog(k.key().id(), null, null, 100, null)).extracting(AuditEvent::action)
                .contains("create", "disable", "purge", "revoke-all");
        assertThat(store.operations().auditLog(successor.key().id(), null, null, 100, null)).extracting(AuditEvent::detail)
                .contains("{\"predecessor\":\"" + k.key().id() + "\"}");
        assertThat(store.operations().auditLog(null, null, clock.instant().plusSeconds(1), 100, null)).isEmpty();
        String everything = log.toString() + heard;
        assertThat(everything).doesNotContain(k.token().substring(40)).doesNotContain(successor.token().substring(40));
        assertThat(heard).extracting(AuditEvent::action).contains("create", "rotate", "revoke-all", "purge");
        assertThat(store.verify(store.create("bob", null, List.of(), null).token()).isValid()).as("the store is open").isTrue();
    }

    @Test
    void aFailingListenerNeverUndoesTheChange() {
        store.close();
        store = backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("ops-pepper")
                .auditListener(e -> {
                    throw new IllegalStateException("listener down");
                }).build();
        IssuedKey k = store.create("alice", null, List.of(), null);
        assertThat(store.revoke(k.key().id())).isTrue();
        assertThat(reason(k)).isEqualTo(Verification.Reason.REVOKED);
    }
}
