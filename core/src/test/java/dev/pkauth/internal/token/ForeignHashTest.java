package dev.pkauth.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hashes made outside pkauth (hash-wasm's Argon2, bcryptjs, Node's SHA-256; see
 * testing/fixtures/foreign-hashes/make.mjs) are read in the form they were written and match
 * exactly the input they were made from.
 */
class ForeignHashTest {
    static Stream<Map<String, String>> fixtures() {
        return Fixtures.rows(Fixtures.FOREIGN_HASHES).stream();
    }

    /** What the scheme hashes: the 43-character secret for Argon2 and bcrypt, the whole token for SHA-256. */
    static byte[] input(Map<String, String> f) {
        String token = f.get("token");
        boolean slow = f.get("scheme").startsWith("argon2") || f.get("scheme").startsWith("bcrypt");
        return (slow ? token.substring(token.lastIndexOf('.') + 1) : token).getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void eachFormIsReadAndMatchesOnlyItsOwnKey(Map<String, String> f) {
        ForeignHash hash = ForeignHash.parseAny(f.get("secret_hash"));
        assertThat(hash).as(f.get("scheme")).isNotNull();
        assertThat(f.get("scheme")).startsWith(hash.scheme());
        assertThat(hash.matches(input(f))).isTrue();
        byte[] wrong = input(f);
        wrong[wrong.length - 1] ^= 1;
        assertThat(hash.matches(wrong)).isFalse();
        assertThat(hash.toString()).doesNotContain(f.get("secret_hash"));
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void onlyTheHexFormIsLeftToTheVerifierToTellFromPkauthsOwn(Map<String, String> f) {
        boolean hex = f.get("secret_hash").matches("[0-9a-f]{64}");
        assertThat(ForeignHash.parse(f.get("secret_hash")) == null).isEqualTo(hex);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "$argon2id$v=19$m=524288,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI", // 512 MiB
        "$argon2id$v=19$m=19456,t=99,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI",
        "$argon2d$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI",
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZQ$MTIz",
        "$2b$31$nlBao/91vIwOnlBao/91vIwOnlBao/91vIwOnlBao/91vIwOnlBao", // 2^31 rounds
        "$2x$10$nlBao/91vIwOnlBao/91vIwOnlBao/91vIwOnlBao/91vIwOnlBao",
        "$2b$10$short",
        "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
    })
    void aFormTooCostlyOrMalformedIsRefusedByNameNeverShown(String stored) {
        assertThatThrownBy(() -> ForeignHash.parseAny(stored)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(stored));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plaintext-api-key", "0123"})
    void whatIsNoKnownFormIsNone(String stored) {
        assertThat(ForeignHash.parseAny(stored)).isNull();
    }

    @org.junit.jupiter.api.Test
    void theLookupHashIsTheHexSha256OfTheWholeToken() {
        Map<String, String> f = Fixtures.row(Fixtures.FOREIGN_HASHES, "scheme", "sha256-hex-legacy");
        assertThat(ForeignHash.lookupHash(f.get("token"))).isEqualTo(f.get("secret_hash"));
        ForeignHash.Sha256 b64 = (ForeignHash.Sha256) ForeignHash.parse(
                Fixtures.row(Fixtures.FOREIGN_HASHES, "scheme", "sha256-base64url").get("secret_hash"));
        assertThat(b64.hex()).isEqualTo(ForeignHash.lookupHash(Fixtures.row(Fixtures.FOREIGN_HASHES, "scheme", "sha256-base64url")
                .get("token")));
    }
}
