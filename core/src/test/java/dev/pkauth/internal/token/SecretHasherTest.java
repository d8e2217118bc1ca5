package dev.pkauth.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SecretHasherTest {
    /** printf '%s' SECRET | openssl dgst -sha256 -hmac 'pylon-dev-api-key-pepper-not-for-production' */
    static final String SECRET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
    static final String OPENSSL = "9b0bba02b67b0539a231c5333cde4a71607b9f517a44d7936b88a1f4dd4e1d00";
    static final String PYLON_DEV = "pylon-dev-api-key-pepper-not-for-production";

    @Test
    void hashIsLowercaseHexHmacSha256AsOpensslComputesIt() {
        assertThat(new SecretHasher(List.of(PYLON_DEV)).hash(SECRET)).isEqualTo(OPENSSL);
    }

    @Test
    void checkTellsCurrentFromPreviousPepper() {
        SecretHasher rotated = new SecretHasher(List.of("new", PYLON_DEV));
        assertThat(rotated.check(SECRET, 0, SecretHasher.decode(OPENSSL))).isEqualTo(SecretHasher.Match.PREVIOUS);
        assertThat(new SecretHasher(List.of(PYLON_DEV)).check(SECRET, 0, SecretHasher.decode(OPENSSL))).isEqualTo(SecretHasher.Match.CURRENT);
        assertThat(new SecretHasher(List.of("new")).check(SECRET, 0, SecretHasher.decode(OPENSSL))).isEqualTo(SecretHasher.Match.NONE);
    }

    @Test
    void uppercaseStoredHexStillMatches() {
        assertThat(new SecretHasher(List.of(PYLON_DEV)).check(SECRET, 0, SecretHasher.decode(OPENSSL.toUpperCase()))).isEqualTo(SecretHasher.Match.CURRENT);
    }

    @Test
    void unusableStoredHashesNeverMatch() {
        SecretHasher h = new SecretHasher(List.of(PYLON_DEV));
        assertThat(h.check(SECRET, 0, SecretHasher.decode(null))).isEqualTo(SecretHasher.Match.NONE);
        assertThat(h.check(SECRET, 0, SecretHasher.decode(""))).isEqualTo(SecretHasher.Match.NONE);
        assertThat(h.check(SECRET, 0, SecretHasher.decode("zz" + OPENSSL.substring(2)))).isEqualTo(SecretHasher.Match.NONE);
        assertThat(h.check(SECRET, 0, SecretHasher.decode("0".repeat(64)))).isEqualTo(SecretHasher.Match.NONE);
    }

    @Test
    void macsAreIndependentAcrossThreads() throws Exception {
        SecretHasher h = new SecretHasher(List.of(PYLON_DEV));
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 5000; i++) if (!h.hash(SECRET).equals(OPENSSL)) wrong.incrementAndGet();
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) th.join();
        assertThat(wrong).hasValue(0);
    }

    @Test
    void aFingerprintIsFourHexCharactersOfAnHmacOfAPublicConstantAsOpensslComputesIt() {
        // printf '%s' 'pkauth pepper fingerprint v1' | openssl dgst -sha256 -hmac 'pylon-dev-api-key-pepper-not-for-production'
        assertThat(SecretHasher.fingerprint(PYLON_DEV)).isEqualTo("7907");
        assertThat(new SecretHasher(List.of(PYLON_DEV, "old")).fingerprints())
                .containsExactly("7907", SecretHasher.fingerprint("old"));
    }

    @Test
    void aMissOnARowOfAnotherPepperIsForeignAndAMatchWinsOverItsFingerprint() {
        SecretHasher h = new SecretHasher(List.of(PYLON_DEV));
        byte[] stored = SecretHasher.decode(OPENSSL);
        String other = SecretHasher.fingerprint("the pepper of another deployment");
        String wrongSecret = "A".repeat(43);

        assertThat(new SecretHasher(List.of("new")).check(SECRET, 0, stored, "7907")).isEqualTo(SecretHasher.Match.FOREIGN_PEPPER);
        assertThat(h.check(wrongSecret, 0, stored, "7907")).as("known pepper, wrong secret").isEqualTo(SecretHasher.Match.NONE);
        assertThat(h.check(wrongSecret, 0, stored, null)).as("no fingerprint recorded").isEqualTo(SecretHasher.Match.NONE);
        assertThat(h.check(SECRET, 0, stored, other)).as("a colliding or stale fingerprint never refuses a match")
                .isEqualTo(SecretHasher.Match.CURRENT);
        assertThat(h.check(SECRET, 0, null, other)).as("no row").isEqualTo(SecretHasher.Match.NONE);
    }

    @Test
    void aProofProvesOnlyTheSecretItRemembersAndOnlyOnceRemembered() {
        SecretHasher h = new SecretHasher(List.of(PYLON_DEV));
        String token = "xx" + SECRET;
        SecretHasher.Proof proof = new SecretHasher.Proof();
        assertThat(h.proves(token, 2, null)).as("no proof").isFalse();
        assertThat(h.proves(token, 2, proof)).as("a proof not yet remembered").isFalse();

        h.remember(token, 2, proof);
        assertThat(h.proves(token, 2, proof)).isTrue();
        assertThat(h.proves(SECRET, 0, proof)).as("the same secret elsewhere in a token").isTrue();
        for (int i = 0; i < SECRET.length(); i++) {
            char[] c = SECRET.toCharArray();
            c[i] = c[i] == 'A' ? 'B' : 'A';
            assertThat(h.proves(new String(c), 0, proof)).as("one character changed at %d", i).isFalse();
        }
        assertThat(new SecretHasher(List.of("another pepper")).proves(SECRET, 0, proof))
                .as("a proof is of the secret, whichever hasher reads it").isTrue();
        assertThat(proof).hasToString("Proof[set]");
    }

    @Test
    void rememberingAgainKeepsTheFirstSecret() {
        SecretHasher h = new SecretHasher(List.of(PYLON_DEV));
        SecretHasher.Proof proof = new SecretHasher.Proof();
        h.remember(SECRET, 0, proof);
        h.remember("A".repeat(43), 0, proof);
        assertThat(h.proves(SECRET, 0, proof)).isTrue();
        assertThat(h.proves("A".repeat(43), 0, proof)).isFalse();
    }

    @Test
    void hashesAreEqualOnlyWhenEveryByteIs() {
        byte[] a = SecretHasher.decode(OPENSSL);
        assertThat(SecretHasher.equal(a, a.clone())).isTrue();
        for (int i = 0; i < a.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] b = a.clone();
                b[i] ^= (byte) (1 << bit);
                assertThat(SecretHasher.equal(a, b)).as("byte %d bit %d", i, bit).isFalse();
            }
        }
    }
}
