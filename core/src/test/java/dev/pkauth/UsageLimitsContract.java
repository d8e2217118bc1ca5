package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.UsageLimits.RateLimit;
import dev.pkauth.UsageLimits.Refill;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage limits, the same on every backend; time moves by the injected clock, never by sleeping. */
abstract class UsageLimitsContract {
    @TempDir
    Path dir;

    // A day boundary: windows of a minute, an hour or a day all start here.
    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    ApiKeyStore store;

    abstract Backend backend();

    ApiKeyStoreBuilder builder() {
        return backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("usage-pepper");
    }

    @BeforeEach
    void open() {
        store = builder().build();
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

    @Test
    void limitsAreSetAtCreationReadBackAndChangedLater() {
        UsageLimits limits = UsageLimits.NONE.withRateLimit(RateLimit.parse("100/1m")).withCredits(1000)
                .withRefill(Refill.parse("1000/30d"));
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(limits));

        assertThat(k.key().limits()).isEqualTo(limits);
        assertThat(store.find(k.key().id()).orElseThrow().limits()).isEqualTo(limits);
        assertThat(principal(k).limits()).isEqualTo(limits);

        UsageLimits tighter = UsageLimits.NONE.withRateLimit(RateLimit.parse("10/1s"));
        assertThat(store.limits(k.key().id(), tighter).orElseThrow().limits()).isEqualTo(tighter);
        assertThat(principal(k).limits()).as("the cache dropped the old limits").isEqualTo(tighter);
        assertThat(store.limits("key_" + "x".repeat(32), tighter)).isEmpty();
    }

    @Test
    void aKeyWithoutLimitsCostsNothingToAdmit() {
        IssuedKey k = store.create("alice", null, List.of(), null);
        assertThat(store.admit(principal(k))).isSameAs(Usage.UNLIMITED);
        assertThat(store.consume(principal(k), 5)).isSameAs(Usage.UNLIMITED);
    }

    @Test
    void aRateLimitAdmitsItsRequestsPerWindowThenRefusesUntilTheWindowEnds() {
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("3/1m"))));
        ApiKeyPrincipal p = principal(k);
        clock.advance(Duration.ofSeconds(10));

        for (int remaining = 2; remaining >= 0; remaining--) {
            Usage u = store.admit(p);
            assertThat(u).isInstanceOf(Usage.Allowed.class);
            assertThat(u.rate()).isEqualTo(new Usage.RateState(3, 60, remaining, 50));
        }
        Usage refused = store.admit(p);
        assertThat(refused).isInstanceOf(Usage.RateLimited.class);
        assertThat(((Usage.RateLimited) refused).retryAfterSeconds()).isEqualTo(50);

        clock.advance(Duration.ofSeconds(50));
        assertThat(store.admit(p).allowed()).as("a new window").isTrue();
    }

    @Test
    void creditsAreSpentOnePerRequestAndRefilledOnTime() {
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withCredits(2).withRefill(new Refill(5, Duration.ofHours(1)))));
        ApiKeyPrincipal p = principal(k);

        assertThat(store.admit(p)).isEqualTo(new Usage.Allowed(null, 1L));
        assertThat(store.admit(p)).isEqualTo(new Usage.Allowed(null, 0L));
        clock.advance(Duration.ofMinutes(20));
        assertThat(store.admit(p)).isEqualTo(new Usage.Exhausted(null, 40 * 60L));

        clock.advance(Duration.ofMinutes(40));
        assertThat(store.admit(p)).as("refilled to 5, one spent").isEqualTo(new Usage.Allowed(null, 4L));
        clock.advance(Duration.ofHours(2).plusMinutes(30));
        assertThat(store.admit(p)).as("two more refills: full again").isEqualTo(new Usage.Allowed(null, 4L));
        assertThat(store.find(k.key().id()).orElseThrow().limits().credits()).isEqualTo(4);
    }

    @Test
    void creditsWithoutARefillRunOutForGood() {
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withCredits(1)));
        ApiKeyPrincipal p = principal(k);
        assertThat(store.admit(p).allowed()).isTrue();
        assertThat(store.admit(p)).isEqualTo(new Usage.Exhausted(null, null));
        clock.advance(Duration.ofDays(365));
        assertThat(store.admit(p).allowed()).isFalse();
    }

    @Test
    void theHostCanChargeItsOwnUnitsWithoutCountingARequest() {
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("1/1m")).withCredits(7)));
        ApiKeyPrincipal p = principal(k);

        assertThat(store.consume(p, 5)).isEqualTo(new Usage.Allowed(null, 2L));
        assertThat(store.consume(p, 5)).as("not enough: nothing spent").isEqualTo(new Usage.Exhausted(null, null));
        assertThat(store.admit(p)).as("the rate limit was not touched by consume").isInstanceOf(Usage.Allowed.class);
        assertThat(store.consume(p, 1)).isEqualTo(new Usage.Allowed(null, 0L));
        assertThatThrownBy(() -> store.consume(p, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRateLimitedRequestSpendsNoCredits() {
        IssuedKey k = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("1/1m")).withCredits(10)));
        ApiKeyPrincipal p = principal(k);
        assertThat(store.admit(p).allowed()).isTrue();
        for (int i = 0; i < 5; i++) assertThat(store.admit(p)).isInstanceOf(Usage.RateLimited.class);
        assertThat(store.find(k.key().id()).orElseThrow().limits().credits()).isEqualTo(9);
    }

    @Test
    void theStoreWideDefaultRateLimitAppliesToKeysWithoutTheirOwn() {
        store.close();
        store = builder().defaultRateLimit(RateLimit.parse("1/1h")).build();
        IssuedKey plain = store.create("alice", null, List.of(), null);
        IssuedKey own = store.create("alice", KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("2/1h"))));

        assertThat(store.admit(principal(plain)).allowed()).isTrue();
        assertThat(store.admit(principal(plain)).allowed()).isFalse();
        assertThat(store.admit(principal(own)).allowed()).isTrue();
        assertThat(store.admit(principal(own)).allowed()).isTrue();
    }

    @Test
    void aLimitedKeyCannotMintALooserOne() {
        UsageLimits parentLimits = UsageLimits.NONE.withRateLimit(RateLimit.parse("10/1m")).withCredits(100);
        ApiKeyPrincipal parent = principal(store.create("alice", KeySpec.of(null, List.of("keys:write")).limits(parentLimits)));

        assertThatThrownBy(() -> store.create(parent, KeySpec.of(null, List.of()).limits(UsageLimits.NONE)))
                .isInstanceOf(SecurityException.class).hasMessageContaining("looser usage limits");
        assertThatThrownBy(() -> store.create(parent, KeySpec.of(null, List.of()).limits(parentLimits.withRateLimit(RateLimit.parse("11/1m"))))).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> store.create(parent, KeySpec.of(null, List.of()).limits(parentLimits.withCredits(101))))
                .isInstanceOf(SecurityException.class);
        assertThat(store.create(parent, KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("5/1m")).withCredits(50))).key().limits().credits()).isEqualTo(50);
        assertThat(store.create(parent, null, List.of(), null).key().limits()).as("inherited").isEqualTo(parentLimits);
    }

    /** The attack: mint a child (it inherits the credits as last read), spend it, delete it, again. */
    @Test
    void aMeteredKeyAndTheKeysItMintsShareOneBudgetOfCredits() {
        ApiKeyPrincipal parent = principal(store.create("alice", KeySpec.of(null, List.of("keys:write")).limits(UsageLimits.NONE.withCredits(10))));
        int allowed = 0;
        for (int cycle = 0; cycle < 5; cycle++) {
            IssuedKey child = store.create(parent, null, List.of(), null);
            assertThat(child.key().limits().credits()).as("inherited as last read").isEqualTo(10);
            ApiKeyPrincipal p = principal(child);
            for (int i = 0; i < 12; i++) if (store.admit(p).allowed()) allowed++;
            store.revoke(child.key().id());
        }
        assertThat(allowed).as("five mint, spend, delete cycles on 10 credits").isEqualTo(10);
        assertThat(store.admit(parent)).isEqualTo(new Usage.Exhausted(null, null));
        assertThat(store.find(parent.keyId()).orElseThrow().limits().credits()).isZero();
    }

    @Test
    void aRateLimitedKeyAndTheKeysItMintsShareOneWindow() {
        ApiKeyPrincipal parent = principal(store.create("alice", KeySpec.of(null, List.of("keys:write")).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("5/1m")))));
        List<ApiKeyPrincipal> children = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(principal(store.create(parent, KeySpec.of(null, List.of()).limits(UsageLimits.NONE.withRateLimit(RateLimit.parse("5/1m"))))));
        }
        int allowed = 0;
        for (int round = 0; round < 5; round++) {
            for (ApiKeyPrincipal child : children) if (store.admit(child).allowed()) allowed++;
            if (store.admit(parent).allowed()) allowed++;
        }
        assertThat(allowed).as("a 5/1m key and three 5/1m children, 20 requests in one window").isEqualTo(5);
        Usage refused = store.admit(children.get(0));
        assertThat(refused).as("the parent's window answers for the child").isInstanceOf(Usage.RateLimited.class);
        assertThat(refused.rate()).isEqualTo(new Usage.RateState(5, 60, 0, 60));

        clock.advance(Duration.ofMinutes(1));
        Usage next = store.admit(children.get(1));
        assertThat(next.allowed()).as("a new window").isTrue();
        assertThat(next.rate()).as("the headers report the window nearest its end").isEqualTo(new Usage.RateState(5, 60, 4, 60));
    }

    @Test
    void theStoreWideDefaultRateLimitCountsALineageOnce() {
        store.close();
        store = builder().defaultRateLimit(RateLimit.parse("2/1h")).build();
        ApiKeyPrincipal parent = principal(store.create("alice", null, List.of("keys:write"), null));
        ApiKeyPrincipal child = principal(store.create(parent, null, List.of(), null));
        ApiKeyPrincipal sibling = principal(store.create(parent, null, List.of(), null));
        int allowed = 0;
        for (int i = 0; i < 3; i++) {
            if (store.admit(child).allowed()) allowed++;
            if (store.admit(sibling).allowed()) allowed++;
        }
        assertThat(allowed).isEqualTo(2);
        assertThat(store.admit(parent).allowed()).isFalse();
    }

    @Test
    void aRequestChargesEveryMeteredKeyAboveItOrNone() {
        ApiKeyPrincipal root = principal(store.create("alice", KeySpec.of(null, List.of("keys:write")).limits(UsageLimits.NONE.withCredits(10))));
        ApiKeyPrincipal child = principal(store.create(root, KeySpec.of(null, List.of("keys:write")).limits(UsageLimits.NONE.withCredits(5))));
        ApiKeyPrincipal grandchild = principal(store.create(child, null, List.of(), null));

        assertThat(store.admit(grandchild)).as("the fewest left among the three").isEqualTo(new Usage.Allowed(null, 4L));
        assertThat(store.consume(grandchild, 4)).isEqualTo(new Usage.Allowed(null, 0L));
        assertThat(store.admit(child).allowed()).as("the child's five were spent by its own child").isFalse();
        assertThat(credits(root)).isEqualTo(5);
        assertThat(credits(grandchild)).isZero();

        store.limits(child.keyId(), UsageLimits.NONE.withCredits(100));
        store.limits(grandchild.keyId(), UsageLimits.NONE.withCredits(100));
        assertThat(store.consume(grandchild, 6)).as("the root has 5: nothing is spent anywhere")
                .isEqualTo(new Usage.Exhausted(null, null));
        assertThat(credits(child)).isEqualTo(100);
        assertThat(credits(grandchild)).isEqualTo(100);
        assertThat(store.consume(grandchild, 5)).isEqualTo(new Usage.Allowed(null, 0L));
        assertThat(credits(root)).isZero();
        assertThat(credits(child)).isEqualTo(95);
    }

    private long credits(ApiKeyPrincipal p) {
        Long credits = store.find(p.keyId()).orElseThrow().limits().credits();
        return credits == null ? -1 : credits;
    }

    @Test
    void aLineageIsAtMostEightGenerationsDeep() {
        ApiKeyPrincipal key = principal(store.create("alice", null, List.of("keys:write"), null));
        for (int generation = 1; generation <= 8; generation++) {
            key = principal(store.create(key, null, List.of("keys:write"), null));
        }
        ApiKeyPrincipal deepest = key;
        assertThatThrownBy(() -> store.create(deepest, null, List.of(), null))
                .isInstanceOf(KeyLimitExceededException.class).hasMessageContaining("8 generations");
        assertThat(store.admit(deepest)).isSameAs(Usage.UNLIMITED);
    }

    @Test
    void limitsAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> RateLimit.parse("100")).hasMessageContaining("100/1m");
        assertThatThrownBy(() -> RateLimit.parse("0/1m")).hasMessageContaining("positive");
        assertThatThrownBy(() -> RateLimit.parse("5/1x")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> new RateLimit(5, Duration.ofMillis(500))).hasMessageContaining("whole number of seconds");
        assertThatThrownBy(() -> new UsageLimits(null, -1L, null)).hasMessageContaining("negative");
        assertThatThrownBy(() -> new UsageLimits(null, null, Refill.parse("10/1d"))).hasMessageContaining("needs credits");
        assertThat(RateLimit.parse("100/1m").toString()).isEqualTo("100/1m");
        assertThat(Refill.parse("1000/30d").toString()).isEqualTo("1000/30d");
    }
}
