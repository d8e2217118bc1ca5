package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.http.BearerCredentials;
import dev.pkauth.internal.token.Tokens;
import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated and mutated input against token and header parsing, with an independent regex as
 * the oracle. {@code mvn verify} runs jqwik's default 1,000 tries a property; the dedicated run
 * {@code mvn -pl core test -Dtest=FuzzTest -Djqwik.tries.default=250000} makes 1,000,000 in all.
 */
class FuzzTest {
    static final Pattern TOKEN = Pattern.compile("pk\\.key_[A-Za-z0-9_-]{32}\\.[A-Za-z0-9_-]{43}");
    static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9._~+/-]+=*");
    /** Characters mutations draw from: the alphabet, its neighbours, separators, controls, non-ASCII. */
    static final String MUTATION_CHARS = "Aaz09_-.=+/~ \t\u0000\u007f\u00e9\u00ff\u2028\uffff\"\\,:;k";

    static final ApiKeyStore STORE = ApiKeyStore.builder().inMemory().pepper("fuzz").executor(Runnable::run).build();
    static final String MINTED = STORE.create("fuzz", null, List.of(), null).token();

    @Property
    void arbitraryStringsAreWellFormedExactlyWhenTheOracleSaysSo(@ForAll String s) {
        assertThat(Tokens.isWellFormed(s)).isEqualTo(TOKEN.matcher(s).matches());
    }

    @Property
    void mutatedKeysAreWellFormedExactlyWhenTheOracleSaysSo(@ForAll("mutatedKeys") String s) {
        assertThat(Tokens.isWellFormed(s)).isEqualTo(TOKEN.matcher(s).matches());
    }

    @Property
    void theStoreAcceptsOnlyTheMintedKeyAndNeverThrows(@ForAll("mutatedKeys") String s) {
        Verification v = STORE.verify(s);
        if (v.isValid()) assertThat(s).isEqualTo(MINTED);
        else if (!TOKEN.matcher(s).matches()) assertThat(((Verification.Invalid) v).reason()).isEqualTo(Verification.Reason.MALFORMED);
    }

    @Property
    void bearerParsingNeverThrowsAndPassesOnlyB64Tokens(@ForAll("headers") String header) {
        BearerCredentials c = BearerCredentials.parse(header);
        if (c instanceof BearerCredentials.Token t) {
            assertThat(B64TOKEN.matcher(t.value()).matches()).as(t.value()).isTrue();
            assertThat(header.strip().substring(0, 6)).isEqualToIgnoringCase("bearer");
            assertThat(header.length()).isLessThanOrEqualTo(BearerCredentials.MAX_HEADER_CHARS);
        }
    }

    @Provide
    Arbitrary<String> mutatedKeys() {
        Arbitrary<String> fresh = Arbitraries.of(MINTED).map(m -> m);
        Arbitrary<String> mutated = Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, Tokens.TOKEN_CHARS + 1).list().ofSize(3),
                Arbitraries.of(MUTATION_CHARS.chars().mapToObj(c -> (char) c).toList()).list().ofSize(3),
                Arbitraries.integers().between(1, 3))
                .as((kind, positions, chars, count) -> mutate(MINTED, kind, positions, chars, count));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, fresh),
                net.jqwik.api.Tuple.of(20, mutated),
                net.jqwik.api.Tuple.of(4, Arbitraries.strings().ofMaxLength(200)));
    }

    static String mutate(String token, int kind, List<Integer> positions, List<Character> chars, int count) {
        StringBuilder b = new StringBuilder(token);
        for (int i = 0; i < count; i++) {
            int at = Math.min(positions.get(i), b.length());
            switch (kind) {
                case 0 -> { if (at < b.length()) b.setCharAt(at, chars.get(i)); }
                case 1 -> b.insert(at, chars.get(i));
                case 2 -> { if (at < b.length()) b.deleteCharAt(at); }
                case 3 -> b.setLength(at);
                default -> b.append(b.substring(Math.min(at, b.length())));
            }
        }
        return b.toString();
    }

    @Provide
    Arbitrary<String> headers() {
        Arbitrary<String> scheme = Arbitraries.of("Bearer", "bearer", "BEARER", "BeArEr", "Basic", "Bearerx", "", "Token");
        Arbitrary<String> gap = Arbitraries.of("", " ", "  ", "\t", " \t ");
        Arbitrary<String> token = Arbitraries.oneOf(mutatedKeys(), Arbitraries.strings().ofMaxLength(50),
                Arbitraries.strings().withChars("A=._~+/-").ofMaxLength(20), Arbitraries.strings().ofMinLength(1020).ofMaxLength(1100));
        return Combinators.combine(gap, scheme, gap, token, gap).as((a, s, b, t, c) -> a + s + b + t + c);
    }
}
