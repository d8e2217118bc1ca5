package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.Verification.Reason;
import dev.pkauth.testing.Backend;
import dev.pkauth.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's behaviour, the same on every backend. Subclasses pick the backend. */
abstract class ApiKeyStoreContract {
    static final Pattern TOKEN_SHAPE = Pattern.compile("pk\\.key_[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]{43}");

    @TempDir
    Path dir;

    final MutableClock clock = MutableClock.startingAt("2026-01-01T00:00:00Z");
    ApiKeyStore store;

    abstract Backend backend();

    @BeforeEach
    void open() {
        store = backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("contract-pepper").build();
    }

    /** Set by a case that closes the store or breaks its database on purpose: nothing is left to check. */
    boolean leftBroken;

    @AfterEach
    void close() {
        try {
            if (!leftBroken) StoreInvariants.check(store);
        } finally {
            store.close();
        }
    }

    Instant inDays(int days) {
        return clock.instant().plus(Duration.ofDays(days));
    }

    @Test
    void createdKeyVerifiesAndCarriesItsMetadata() {
        IssuedKey issued = store.create("alice", "CI", List.of("docs:read", "keys:write"), inDays(30));

        Verification v = store.verify(issued.token());

        assertThat(v).isInstanceOf(Verification.Valid.class);
        ApiKey key = ((Verification.Valid) v).key();
        assertThat(key.id()).isEqualTo(issued.key().id());
        assertThat(key.userId()).isEqualTo("alice");
        assertThat(key.name()).isEqualTo("CI");
        assertThat(key.scopes()).containsExactly("docs:read", "keys:write");
        assertThat(key.expiresAt()).isEqualTo(inDays(30));
        assertThat(key.createdAt()).isEqualTo(clock.instant());
        ApiKeyPrincipal principal = ((Verification.Valid) v).principal();
        assertThat(principal.getName()).isEqualTo("alice");
        assertThat(principal.keyId()).isEqualTo(key.id());
    }

    @Test
    void tokenHasTheDocumentedShapeAndPrefix() {
        IssuedKey issued = store.create("alice", null, List.of(), null);

        assertThat(issued.token()).hasSize(83).matches(TOKEN_SHAPE);
        assertThat(issued.key().id()).isEqualTo(issued.token().substring(3, 39));
        assertThat(issued.key().prefix()).isEqualTo(issued.token().substring(0, 16));
        assertThat(issued.key().name()).isEmpty();
        assertThat(issued.key().expiresAt()).isNull();
    }

    @Test
    void unknownIdIsNotFound() {
        IssuedKey issued = store.create("alice", null, List.of(), null);
        String token = issued.token();
        String otherId = "pk.key_" + "A".repeat(32) + token.substring(39);

        assertThat(reason(otherId)).isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    void wrongSecretIsBadSecret() {
        String token = store.create("alice", null, List.of(), null).token();
        String wrong = dev.pkauth.testing.TestTokens.wrongSecret(token);
        String mistyped = token.substring(0, 40) + (token.charAt(40) == 'A' ? 'B' : 'A') + token.substring(41);

        assertThat(reason(wrong)).isEqualTo(Reason.BAD_SECRET);
        assertThat(reason(mistyped)).as("its checksum fails: refused before any lookup").isEqualTo(Reason.MALFORMED);
    }

    /**
     * A key verified once is checked on later requests by the SHA-256 of its secret that the first
     * success left in memory: that check must be as strict as the HMAC, and must forget the key's
     * proof with every change to its row.
     */
    @Test
    void aKeyVerifiedOnceIsCheckedAsStrictlyAfterwardAndItsRowChangesStillCount() {
        IssuedKey issued = store.create("alice", null, List.of(), inDays(1));
        String token = issued.token();
        assertThat(store.verify(token).isValid()).isTrue();
        assertThat(store.verify(token).isValid()).as("again, from memory").isTrue();

        assertThat(reason(dev.pkauth.testing.TestTokens.wrongSecret(token))).isEqualTo(Reason.BAD_SECRET);
        for (int i = 40; i < token.length(); i++) {
            String altered = token.substring(0, i) + (token.charAt(i) == 'A' ? 'B' : 'A') + token.substring(i + 1);
            assertThat(store.verify(altered).isValid()).as("secret character %d changed", i - 40).isFalse();
        }
        assertThat(store.verify(token).isValid()).isTrue();

        store.disable(issued.key().id());
        assertThat(reason(token)).isEqualTo(Reason.DISABLED);
        store.enable(issued.key().id());
        assertThat(store.verify(token).isValid()).isTrue();
        clock.advance(Duration.ofDays(1));
        assertThat(reason(token)).isEqualTo(Reason.EXPIRED);
        store.revoke(issued.key().id());
        assertThat(reason(token)).isEqualTo(Reason.REVOKED);
    }

    @Test
    void malformedTokensAreRejectedAsMalformed() {
        String token = store.create("alice", null, List.of(), null).token();

        assertThat(reason(token + "x")).isEqualTo(Reason.MALFORMED);
        assertThat(reason(token.substring(1))).isEqualTo(Reason.MALFORMED);
        assertThat(reason("")).isEqualTo(Reason.MALFORMED);
        assertThat(reason(null)).isEqualTo(Reason.MALFORMED);
        assertThat(((Verification.Invalid) store.verify("garbage")).prefix()).isNull();
    }

    @Test
    void keyExpiresExactlyAtItsExpiry() {
        String token = store.create("alice", null, List.of(), inDays(1)).token();

        clock.advance(Duration.ofDays(1).minusSeconds(1));
        assertThat(store.verify(token).isValid()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(reason(token)).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void revokedKeyFailsAndItsRowStaysForAudit() {
        IssuedKey issued = store.create("alice", null, List.of(), null);

        assertThat(store.revoke(issued.key().id())).isTrue();

        assertThat(reason(issued.token())).isEqualTo(Reason.REVOKED);
        assertThat(store.revoke(issued.key().id())).as("second revoke").isFalse();
        assertThat(store.find(issued.key().id())).get().extracting(ApiKey::revokedAt).isEqualTo(clock.instant());
    }

    @Test
    void secretIsCheckedBeforeExpiryAndRevocation() {
        IssuedKey expiring = store.create("alice", null, List.of(), inDays(1));
        IssuedKey revoked = store.create("alice", null, List.of(), null);
        store.revoke(revoked.key().id());
        clock.advance(Duration.ofDays(2));

        assertThat(reason(withWrongSecret(expiring.token()))).isEqualTo(Reason.BAD_SECRET);
        assertThat(reason(withWrongSecret(revoked.token()))).isEqualTo(Reason.BAD_SECRET);
        assertThat(reason(expiring.token())).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void listShowsTheUsersKeysNewestFirst() {
        IssuedKey first = store.create("alice", "first", List.of(), null);
        clock.advance(Duration.ofSeconds(10));
        IssuedKey second = store.create("alice", "second", List.of(), null);
        clock.advance(Duration.ofSeconds(10));
        IssuedKey third = store.create("alice", "third", List.of(), null);
        store.create("bob", "not alice's", List.of(), null);
        store.revoke(second.key().id());

        assertThat(store.list("alice")).extracting(ApiKey::id).containsExactly(third.key().id(), first.key().id());
        assertThat(store.list("alice", true)).extracting(ApiKey::id)
                .containsExactly(third.key().id(), second.key().id(), first.key().id());
        assertThat(store.list("nobody")).isEmpty();
    }

    @Test
    void refreshChangesExpiry() {
        IssuedKey issued = store.create("alice", null, List.of(), inDays(1));

        assertThat(store.refresh(issued.key().id(), inDays(10))).get().extracting(ApiKey::expiresAt).isEqualTo(inDays(10));
        clock.advance(Duration.ofDays(5));
        assertThat(store.verify(issued.token()).isValid()).isTrue();

        assertThat(store.refresh(issued.key().id(), null)).get().extracting(ApiKey::expiresAt).isNull();
        clock.advance(Duration.ofDays(500));
        assertThat(store.verify(issued.token()).isValid()).isTrue();
    }

    @Test
    void refreshRefusesUnknownRevokedAndPastExpiry() {
        IssuedKey issued = store.create("alice", null, List.of(), null);

        assertThat(store.refresh("key_" + "Z".repeat(32), inDays(1))).isEmpty();
        assertThat(store.refresh("not-an-id", inDays(1))).isEmpty();
        assertThatThrownBy(() -> store.refresh(issued.key().id(), clock.instant().minusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("future");
        store.revoke(issued.key().id());
        assertThat(store.refresh(issued.key().id(), inDays(1))).isEmpty();
    }

    @Test
    void rotateWithOverlapKeepsTheOldKeyWorkingUntilTheOverlapEnds() {
        IssuedKey old = store.create("alice", "CI", List.of("docs:read"), inDays(90));

        IssuedKey successor = store.rotate(old.key().id(), Duration.ofHours(24)).orElseThrow();

        assertThat(successor.token()).isNotEqualTo(old.token());
        assertThat(successor.key().userId()).isEqualTo("alice");
        assertThat(successor.key().name()).isEqualTo("CI");
        assertThat(successor.key().scopes()).containsExactly("docs:read");
        assertThat(successor.key().expiresAt()).as("same 90-day lifetime").isEqualTo(inDays(90));
        assertThat(store.verify(old.token()).isValid()).isTrue();
        assertThat(store.verify(successor.token()).isValid()).isTrue();

        clock.advance(Duration.ofHours(24));
        assertThat(reason(old.token())).isEqualTo(Reason.EXPIRED);
        assertThat(store.verify(successor.token()).isValid()).isTrue();
    }

    @Test
    void aRotatedKeySaysSoAndNamesItsSuccessorUntilItsOverlapEnds() {
        IssuedKey old = store.create("alice", "CI", List.of(), null);
        assertThat(old.key().rotatedTo()).isNull();
        assertThat(old.key().statusAt(clock.instant())).isEqualTo(ApiKey.Status.ACTIVE);

        IssuedKey successor = store.rotate(old.key().id(), Duration.ofHours(1)).orElseThrow();

        ApiKey before = store.find(old.key().id()).orElseThrow();
        assertThat(before.rotatedTo()).isEqualTo(successor.key().id());
        assertThat(before.statusAt(clock.instant())).isEqualTo(ApiKey.Status.ROTATED);
        assertThat(successor.key().statusAt(clock.instant())).isEqualTo(ApiKey.Status.ACTIVE);
        assertThat(store.operations().query(KeyQuery.allUsers().status(ApiKey.Status.ROTATED)).keys())
                .extracting(ApiKey::id).containsExactly(old.key().id());
        assertThat(store.operations().query(KeyQuery.allUsers().status(ApiKey.Status.ACTIVE)).keys())
                .extracting(ApiKey::id).containsExactly(successor.key().id());
        clock.advance(Duration.ofHours(1));
        assertThat(store.find(old.key().id()).orElseThrow().statusAt(clock.instant())).as("expired wins").isEqualTo(ApiKey.Status.EXPIRED);
    }

    @Test
    void aKeyRecordsWhoMintedIt() {
        IssuedKey byApp = store.create("alice", "app", List.of(), null);
        IssuedKey byHolder = store.forKeyHolder("alice").create("alice", "page", List.of(), null);
        assertThat(store.find(byHolder.key().id()).orElseThrow().createdActor()).isEqualTo("user:alice");
        assertThat(store.find(byApp.key().id()).orElseThrow().createdActor()).isNotNull().isNotEqualTo("user:alice");
        IssuedKey rotated = store.forKeyHolder("alice").rotate(byApp.key().id(), Duration.ZERO).orElseThrow();
        assertThat(store.find(rotated.key().id()).orElseThrow().createdActor()).as("the rotation's actor").isEqualTo("user:alice");
    }

    @Test
    void rotateWithZeroOverlapRevokesTheOldKeyAtOnce() {
        IssuedKey old = store.create("alice", null, List.of(), null);

        IssuedKey successor = store.rotate(old.key().id(), Duration.ZERO).orElseThrow();

        assertThat(reason(old.token())).isEqualTo(Reason.REVOKED);
        assertThat(store.verify(successor.token()).isValid()).isTrue();
        assertThat(successor.key().expiresAt()).isNull();
    }

    @Test
    void rotateRefusesUnknownAndRevokedKeysAndNegativeOverlap() {
        IssuedKey issued = store.create("alice", null, List.of(), null);

        assertThatThrownBy(() -> store.rotate(issued.key().id(), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
        assertThat(store.rotate("key_" + "Z".repeat(32), Duration.ZERO)).isEmpty();
        store.revoke(issued.key().id());
        assertThat(store.rotate(issued.key().id(), Duration.ZERO)).isEmpty();
        assertThat(store.list("alice", true)).hasSize(1);
    }

    @Test
    void purgeDeletesTheRow() {
        IssuedKey issued = store.create("alice", null, List.of(), null);

        assertThat(store.operations().purge(issued.key().id())).isTrue();

        assertThat(reason(issued.token())).isEqualTo(Reason.NOT_FOUND);
        assertThat(store.find(issued.key().id())).isEmpty();
        assertThat(store.operations().purge(issued.key().id())).isFalse();
    }

    @Test
    void createRefusesBadArgumentsWithMessagesThatSayWhatIsWrong() {
        assertThatThrownBy(() -> store.create("", null, List.of(), null)).hasMessageContaining("user id");
        assertThatThrownBy(() -> store.create("  ", null, List.of(), null)).hasMessageContaining("user id");
        assertThatThrownBy(() -> store.create("alice", null, List.of(" "), null)).hasMessageContaining("empty");
        assertThatThrownBy(() -> store.create("alice", null, List.of("a,b"), null)).hasMessageContaining("comma");
        assertThatThrownBy(() -> store.create("alice", null, List.of("a b"), null)).hasMessageContaining("without spaces");
        assertThatThrownBy(() -> store.create("alice", "x".repeat(201), List.of(), null)).hasMessageContaining("200");
        assertThatThrownBy(() -> store.create("alice", null, List.of(), clock.instant())).hasMessageContaining("future");
        assertThatThrownBy(() -> store.create("alice", null, java.util.Collections.nCopies(65, "s"), null))
                .hasMessageContaining("too many scopes");
        assertThat(store.list("alice")).isEmpty();
    }

    @Test
    void scopesAreTrimmedAndDeduplicatedInOrder() {
        IssuedKey issued = store.create("alice", " CI ", List.of(" b ", "a", "b"), null);

        assertThat(issued.key().scopes()).containsExactly("b", "a");
        assertThat(issued.key().name()).isEqualTo("CI");
        assertThat(store.find(issued.key().id()).orElseThrow().scopes()).containsExactly("b", "a");
    }

    @Test
    void lastUsedIsWrittenAtMostOncePerTouchInterval() {
        IssuedKey issued = store.create("alice", null, List.of(), null);
        Instant firstUse = clock.instant();

        store.verify(issued.token());
        assertThat(lastUsed(issued)).isEqualTo(firstUse);

        clock.advance(Duration.ofSeconds(59));
        store.verify(issued.token());
        assertThat(lastUsed(issued)).as("debounced").isEqualTo(firstUse);

        clock.advance(Duration.ofSeconds(1));
        store.verify(issued.token());
        assertThat(lastUsed(issued)).isEqualTo(clock.instant());
    }

    @Test
    void lastUsedIsNeverWrittenForFailedOrRevokedKeys() {
        IssuedKey issued = store.create("alice", null, List.of(), null);
        store.verify(withWrongSecret(issued.token()));
        assertThat(lastUsed(issued)).isNull();

        store.revoke(issued.key().id());
        store.verify(issued.token());
        assertThat(lastUsed(issued)).isNull();
    }

    @Test
    void idsThatAreNotKeyIdsNeverMatch() {
        assertThat(store.find("key_short")).isEmpty();
        assertThat(store.find("'; DROP TABLE x; --")).isEmpty();
        assertThat(store.revoke("key_short")).isFalse();
        assertThat(store.operations().purge(null)).isFalse();
    }

    @Test
    void toStringsNeverShowTheToken() {
        IssuedKey issued = store.create("alice", null, List.of(), null);
        String secret = issued.token().substring(40);

        assertThat(issued.toString()).doesNotContain(secret).doesNotContain(issued.token());
        assertThat(store.verify(issued.token()).toString()).doesNotContain(secret);
        assertThat(store.toString()).doesNotContain("contract-pepper");
    }

    @Test
    void aClosedStoreSaysSo() {
        leftBroken = true;
        store.close();
        assertThatThrownBy(() -> store.verify("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    // --- lineage: keys minted by keys (security review, finding 1) --------------------------

    ApiKeyPrincipal principalOf(IssuedKey issued) {
        return ((Verification.Valid) store.verify(issued.token())).principal();
    }

    @Test
    void aKeyMintedByAKeyRecordsItsParentAndBelongsToTheSameUser() {
        IssuedKey parent = store.create("alice", "parent", List.of("docs:read", "keys:write"), null);

        IssuedKey child = store.create(principalOf(parent), "child", List.of("docs:read"), null);

        assertThat(child.key().createdBy()).isEqualTo(parent.key().id());
        assertThat(child.key().userId()).isEqualTo("alice");
        assertThat(store.find(child.key().id()).orElseThrow().createdBy()).isEqualTo(parent.key().id());
        assertThat(parent.key().createdBy()).as("minted by the application").isNull();
    }

    @Test
    void aChildNeverOutlivesItsParent() {
        IssuedKey parent = store.create("alice", null, List.of("docs:read"), inDays(1));

        IssuedKey forever = store.create(principalOf(parent), null, List.of(), null);
        IssuedKey longer = store.create(principalOf(parent), null, List.of(), inDays(30));
        IssuedKey shorter = store.create(principalOf(parent), null, List.of(), clock.instant().plusSeconds(60));

        assertThat(forever.key().expiresAt()).isEqualTo(inDays(1));
        assertThat(longer.key().expiresAt()).isEqualTo(inDays(1));
        assertThat(shorter.key().expiresAt()).isEqualTo(clock.instant().plusSeconds(60));
    }

    @Test
    void aNeverExpiringParentAllowsAnyExpiry() {
        IssuedKey parent = store.create("alice", null, List.of(), null);

        assertThat(store.create(principalOf(parent), null, List.of(), null).key().expiresAt()).isNull();
        assertThat(store.create(principalOf(parent), null, List.of(), inDays(900)).key().expiresAt()).isEqualTo(inDays(900));
    }

    @Test
    void aKeyCannotGrantAScopeItLacks() {
        IssuedKey parent = store.create("alice", null, List.of("docs:read", "billing:*"), null);
        ApiKeyPrincipal p = principalOf(parent);

        assertThatThrownBy(() -> store.create(p, null, List.of("docs:write"), null))
                .isInstanceOf(SecurityException.class).hasMessageContaining("docs:write");
        assertThat(store.create(p, null, List.of("billing:read"), null).key().scopes()).containsExactly("billing:read");
        assertThat(store.list("alice")).hasSize(2);
    }

    @Test
    void revokingAKeyRevokesEveryKeyMintedFromItTransitively() {
        IssuedKey root = store.create("alice", null, List.of(), null);
        IssuedKey child = store.create(principalOf(root), null, List.of(), null);
        IssuedKey grandchild = store.create(principalOf(child), null, List.of(), null);
        IssuedKey sibling = store.create("alice", null, List.of(), null);
        assertThat(store.verify(grandchild.token()).isValid()).as("cached before the revoke").isTrue();

        assertThat(store.revoke(root.key().id())).isTrue();

        assertThat(reason(root.token())).isEqualTo(Reason.REVOKED);
        assertThat(reason(child.token())).isEqualTo(Reason.REVOKED);
        assertThat(reason(grandchild.token())).isEqualTo(Reason.REVOKED);
        assertThat(store.verify(sibling.token()).isValid()).isTrue();
    }

    @Test
    void aRevokedKeyCanMintNothing() {
        IssuedKey parent = store.create("alice", null, List.of(), null);
        ApiKeyPrincipal p = principalOf(parent);
        store.revoke(parent.key().id());

        assertThatThrownBy(() -> store.create(p, null, List.of(), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer active");
        assertThat(store.list("alice")).isEmpty();
    }

    @Test
    void rotatingAKeyMovesItsChildrenToTheSuccessor() {
        IssuedKey parent = store.create("alice", null, List.of(), null);
        IssuedKey child = store.create(principalOf(parent), null, List.of(), null);

        IssuedKey successor = store.rotate(parent.key().id(), Duration.ZERO).orElseThrow();

        assertThat(store.verify(child.token()).isValid()).as("the rotation did not revoke the child").isTrue();
        assertThat(store.find(child.key().id()).orElseThrow().createdBy()).isEqualTo(successor.key().id());
        store.revoke(successor.key().id());
        assertThat(reason(child.token())).isEqualTo(Reason.REVOKED);
    }

    @Test
    void aRotatedChildKeepsItsParentAndItsCap() {
        Instant parentExpiry = inDays(7);
        IssuedKey parent = store.create("alice", null, List.of(), parentExpiry);
        IssuedKey child = store.create(principalOf(parent), null, List.of(), inDays(5));
        clock.advance(Duration.ofDays(4));

        IssuedKey successor = store.rotate(child.key().id(), Duration.ZERO).orElseThrow();

        assertThat(successor.key().createdBy()).isEqualTo(parent.key().id());
        assertThat(successor.key().expiresAt()).as("day 4 + a 5-day lifetime, capped at the parent's day 7")
                .isEqualTo(parentExpiry);
    }

    // --- bounded management (security review, finding 3) -----------------------------------

    @Test
    void aUserCannotHoldMoreActiveKeysThanTheCap() {
        store.close();
        store = backend().newBuilder(dir).clock(clock).executor(Runnable::run).pepper("contract-pepper")
                .maxKeysPerUser(3).build();
        IssuedKey a = store.create("alice", null, List.of(), null);
        store.create("alice", null, List.of(), null);
        IssuedKey c = store.create("alice", null, List.of(), clock.instant().plusSeconds(5));

        assertThatThrownBy(() -> store.create("alice", null, List.of(), null))
                .isInstanceOf(KeyLimitExceededException.class).hasMessageContaining("already has 3 active keys");
        assertThatThrownBy(() -> store.create(principalOf(a), null, List.of(), null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PKAUTH_MAX_KEYS_PER_USER");
        assertThat(store.create("bob", null, List.of(), null)).as("another user is not affected").isNotNull();

        store.revoke(a.key().id());
        store.create("alice", null, List.of(), null);
        clock.advance(Duration.ofSeconds(6)); // c expires: it no longer counts
        store.create("alice", null, List.of(), null);
        assertThat(store.list("alice")).hasSize(4);
        assertThat(c.key().id()).isNotNull();
    }

    @Test
    void listingIsPagedNewestFirstWithACursor() {
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(0, store.create("alice", "k" + i, List.of(), null).key().id());
            if (i % 2 == 0) clock.advance(Duration.ofSeconds(1)); // some share a second: the id breaks the tie
        }
        store.create("bob", null, List.of(), null);

        List<String> seen = new java.util.ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            KeyPage page = store.list("alice", false, 3, after);
            assertThat(page.keys()).hasSizeLessThanOrEqualTo(3);
            page.keys().forEach(k -> seen.add(k.id()));
            after = page.next();
            pages++;
        } while (after != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(7).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        List<ApiKey> all = store.list("alice");
        assertThat(all).extracting(ApiKey::id).containsExactlyElementsOf(seen);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).createdAt()).isBeforeOrEqualTo(all.get(i - 1).createdAt());
        }
    }

    @Test
    void pageSizesAndCursorsAreChecked() {
        assertThatThrownBy(() -> store.list("alice", false, 0, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list("alice", false, ApiKeyStore.MAX_PAGE_SIZE + 1, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");
        assertThatThrownBy(() -> store.list("alice", false, 10, "x.key_y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
        assertThatThrownBy(() -> store.list("alice", false, 10, "12"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor");
        assertThat(store.list("alice", false, 10, null).next()).isNull();
    }

    Instant lastUsed(IssuedKey issued) {
        return store.find(issued.key().id()).map(ApiKey::lastUsedAt).orElse(null);
    }

    Reason reason(String token) {
        Verification v = store.verify(token);
        assertThat(v).isInstanceOf(Verification.Invalid.class);
        return ((Verification.Invalid) v).reason();
    }

    static String withWrongSecret(String token) {
        return dev.pkauth.testing.TestTokens.wrongSecret(token);
    }
}
