package dev.pkauth.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenFormatTest {
    final IdTags tags = IdTags.fromText(IdTags.newKeyText());

    @Test
    void aMintedTokenHasTheContractsShapeChecksumAndTag() {
        Tokens.Minted m = TokenFormat.DEFAULT.mint(tags);
        String token = m.token();
        assertThat(token).hasSize(83).startsWith("pk.key_").matches(TokenFormat.DEFAULT.scannerRegex());
        assertThat(Tokens.isWellFormed(token)).as("the old parser, so Pylon's shape").isTrue();
        int start = TokenFormat.DEFAULT.idStart(token);
        assertThat(start).isEqualTo(3);
        assertThat(TokenFormat.hasChecksum(token, start)).isTrue();
        assertThat(tags.isTagged(token, start)).isTrue();
        assertThat(m.prefix()).isEqualTo(token.substring(0, 16)).isEqualTo(TokenFormat.displayPrefix(token, start));
    }

    /** The checksum as the contract states it, computed here from the text alone, as a scanner would. */
    @Test
    void theChecksumIsTheCrc32OfTheHeadAndTheFirst28SecretBytes() {
        for (int n = 0; n < 200; n++) {
            String token = new TokenFormat("acme", List.of()).mint(tags).token();
            int secondDot = token.lastIndexOf('.');
            byte[] secret = Base64.getUrlDecoder().decode(token.substring(secondDot + 1));
            CRC32 crc = new CRC32();
            crc.update(token.substring(0, secondDot + 1).getBytes(StandardCharsets.US_ASCII));
            crc.update(secret, 0, 28);
            long stored = ((secret[28] & 0xffL) << 24) | ((secret[29] & 0xffL) << 16) | ((secret[30] & 0xffL) << 8) | (secret[31] & 0xffL);
            assertThat(stored).isEqualTo(crc.getValue());
        }
    }

    @Test
    void anyChangedCharacterBreaksTheChecksum() {
        String token = TokenFormat.DEFAULT.mint(tags).token();
        for (int i = 3; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.' || (i >= 3 && i < 7)) continue;
            String altered = token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
            int start = TokenFormat.DEFAULT.idStart(altered);
            assertThat(start).isEqualTo(3);
            assertThat(TokenFormat.hasChecksum(altered, start)).as("changed at %d", i).isFalse();
        }
    }

    @Test
    void olderTokensWithoutAChecksumAreStillWellFormed() {
        String pylon = "pk.key_PylonCompatPylonCompatPylonCompa.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
        int start = TokenFormat.DEFAULT.idStart(pylon);
        assertThat(start).isEqualTo(3);
        assertThat(TokenFormat.hasChecksum(pylon, start)).isFalse();
        assertThat(tags.isTagged(pylon, start)).isFalse();
    }

    @Test
    void randomTextOfTheShapeAlmostNeverPassesEitherCheck() {
        java.util.Random random = new java.util.Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int checksums = 0;
        int tagged = 0;
        for (int n = 0; n < 100_000; n++) {
            StringBuilder b = new StringBuilder("pk.key_");
            for (int i = 0; i < 32; i++) b.append(alphabet.charAt(random.nextInt(64)));
            b.append('.');
            for (int i = 0; i < 42; i++) b.append(alphabet.charAt(random.nextInt(64)));
            b.append(alphabet.charAt(random.nextInt(16) * 4));
            String t = b.toString();
            if (TokenFormat.hasChecksum(t, 3)) checksums++;
            if (tags.isTagged(t, 3)) tagged++;
        }
        assertThat(checksums).isZero();
        assertThat(tagged).isZero();
    }

    @Test
    void aDeploymentPrefixAndItsEarlierOnes() {
        TokenFormat acme = new TokenFormat("acme", List.of("pk"));
        String token = acme.mint(tags).token();
        assertThat(token).startsWith("acme.key_").hasSize(85);
        assertThat(acme.idStart(token)).isEqualTo(5);
        assertThat(TokenFormat.displayPrefix(token, 5)).hasSize(18).isEqualTo(token.substring(0, 18));
        String old = TokenFormat.DEFAULT.mint(tags).token();
        assertThat(acme.idStart(old)).as("an earlier prefix").isEqualTo(3);
        assertThat(new TokenFormat("acme", List.of()).idStart(old)).as("not listed").isEqualTo(-1);
        assertThat(TokenFormat.DEFAULT.idStart(token)).isEqualTo(-1);
        assertThat(acme.scannerRegex()).isEqualTo("(?:acme|pk)\\.key_[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]{43}");
        assertThat(Pattern.compile(acme.scannerRegex()).matcher("x " + token + " y").find()).isTrue();
        // The prefix is inside the checksum: the same key under another prefix is not a valid token.
        assertThat(TokenFormat.hasChecksum("pk" + token.substring(4), 3)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "Acme", "1acme", "ac-me", "ac.me", "abcdefghijklmnopq", "ac me"})
    void prefixesOutsideTheRuleAreRefused(String prefix) {
        assertThatThrownBy(() -> new TokenFormat(prefix, List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 to 16 characters");
    }

    @Test
    void malformedTokensHaveNoIdStart() {
        String token = TokenFormat.DEFAULT.mint(tags).token();
        for (String bad : List.of(token + "A", token.substring(1), "PK" + token.substring(2), token.replace("key_", "kex_"),
                token.substring(0, 50) + "!" + token.substring(51), token.substring(0, 39) + "_" + token.substring(40))) {
            assertThat(TokenFormat.DEFAULT.idStart(bad)).as(bad).isEqualTo(-1);
        }
    }

    @Test
    void idsWithoutATagKeyAreUntaggedAndNeverTagged() {
        Tokens.Minted m = TokenFormat.DEFAULT.mint(IdTags.NONE);
        assertThat(IdTags.NONE.isTagged(m.token(), 3)).isFalse();
        assertThat(TokenFormat.hasChecksum(m.token(), 3)).isTrue();
        assertThat(tags.isTagged(m.token(), 3)).isFalse();
        IdTags other = IdTags.fromText(IdTags.newKeyText());
        assertThat(other.isTagged(TokenFormat.DEFAULT.mint(tags).token(), 3)).as("another table's key").isFalse();
        assertThat(IdTags.fromText("not base64!")).isSameAs(IdTags.NONE);
        assertThat(tags.toString()).isEqualTo("IdTags[<key>]");
    }
}
