package dev.pkauth.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TokensTest {
    static final String ID = "key_" + "abcdefghijklmnopqrstuvwxyz012345";
    static final String SECRET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop-";
    static final String GOOD = "pk." + ID + "." + SECRET;

    @Test
    void aMintedShapeIsWellFormed() {
        assertThat(GOOD).hasSize(83);
        assertThat(Tokens.isWellFormed(GOOD)).isTrue();
        assertThat(Tokens.idOf(GOOD)).isEqualTo(ID);
        assertThat(Tokens.secretOf(GOOD)).isEqualTo(SECRET);
        assertThat(Tokens.prefixOfId(ID)).isEqualTo(GOOD.substring(0, 16)).isEqualTo("pk.key_abcdefghi");
    }

    @Test
    void aMintedKeyRoundTripsAndTwoDiffer() {
        Tokens.Minted a = Tokens.mint();
        Tokens.Minted b = Tokens.mint();
        assertThat(Tokens.isWellFormed(a.token())).isTrue();
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(a.secret()).isNotEqualTo(b.secret());
    }

    /** Every possible draw of the random bytes, edge cases (all zero, all 0xff) included, gives a key that round-trips. */
    @net.jqwik.api.Property(tries = 2000)
    void keysOfAnyRandomBytesRoundTrip(@net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(Tokens.ID_RANDOM_BYTES) byte[] id,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(Tokens.SECRET_RANDOM_BYTES) byte[] secret) {
        Tokens.Minted m = Tokens.of(id, secret);
        String token = m.token();
        assertThat(Tokens.isWellFormed(token)).as(token).isTrue();
        assertThat(Tokens.idOf(token)).isEqualTo(m.id());
        assertThat(Tokens.secretOf(token)).isEqualTo(m.secret());
        assertThat(Tokens.isWellFormedId(m.id())).isTrue();
        assertThat(m.toString()).doesNotContain(m.secret());
    }

    @Test
    void keysWithDashesAndUnderscoresRoundTrip() {
        String dashy = "pk.key_" + "-_".repeat(16) + "." + "_-".repeat(21) + "_";
        assertThat(Tokens.isWellFormed(dashy)).isTrue();
        assertThat(Tokens.secretOf(dashy)).hasSize(43);
    }

    static Stream<String> malformed() {
        return Stream.of(
                "",
                "pk.",
                "pk..",
                "pk." + ID + ".",
                "pk.." + SECRET,
                "pk." + "abcd" + ID.substring(4) + "." + SECRET,           // missing key_
                "pk.kex_" + ID.substring(4) + "." + SECRET,
                "PK." + ID + "." + SECRET,                                   // wrong outer prefix
                "sk." + ID + "." + SECRET,
                "pk_" + ID + "." + SECRET,
                "pk." + ID + "a." + SECRET.substring(1),                     // id one too long
                "pk." + ID.substring(1) + "." + SECRET + "A",                // id one too short
                "pk." + ID + "." + SECRET + "A",                             // secret too long
                "pk." + ID + "." + SECRET.substring(1),                      // secret too short
                "pk." + ID + "." + SECRET.substring(0, 42) + "=",            // padding
                "pk." + ID + "." + SECRET.substring(0, 42) + "+",            // base64, not base64url
                "pk." + ID + "." + SECRET.substring(0, 42) + "/",
                "pk." + ID.substring(0, 35) + "é." + SECRET,                 // non-ASCII
                "pk." + ID + "." + SECRET.substring(0, 20) + "." + SECRET.substring(21), // extra dot
                "pk." + ID + ":" + SECRET,
                " " + GOOD.substring(1),
                GOOD.substring(0, 82) + " ",
                GOOD.substring(0, 82) + "\n",
                "\u0000" + GOOD.substring(1),
                GOOD + GOOD);
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void everyOtherShapeIsMalformed(String token) {
        assertThat(Tokens.isWellFormed(token)).isFalse();
    }

    @Test
    void nullIsMalformed() {
        assertThat(Tokens.isWellFormed(null)).isFalse();
        assertThat(Tokens.isWellFormedId(null)).isFalse();
    }
}
