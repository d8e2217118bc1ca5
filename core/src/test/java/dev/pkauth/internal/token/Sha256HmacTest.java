package dev.pkauth.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The allocation-free HMAC is HMAC-SHA256: the same bytes as the JDK's {@code Mac}, for keys short, block-long and long. */
class Sha256HmacTest {
    @Test
    void itAgreesWithTheJdksMacOnRandomKeysAndMessages() throws Exception {
        Random random = new Random(20261206);
        byte[] out = new byte[Sha256Hmac.LENGTH];
        int cases = 0;
        for (int keyLength : new int[] {1, 16, 32, 63, 64, 65, 100, 128, 200}) {
            for (int round = 0; round < 40; round++) {
                byte[] key = new byte[keyLength];
                random.nextBytes(key);
                byte[] message = new byte[random.nextInt(200)];
                random.nextBytes(message);
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                Sha256Hmac hmac = new Sha256Hmac(key);
                hmac.compute(message, out);
                assertThat(out).as("key %d bytes, message %d bytes", keyLength, message.length).isEqualTo(mac.doFinal(message));
                // Reused, as each thread reuses its own: the state of one call never leaks into the next.
                hmac.compute(message, out);
                assertThat(out).isEqualTo(mac.doFinal(message));
                cases++;
            }
        }
        assertThat(cases).isEqualTo(360);
    }

    @Test
    void rfc4231TestCase2() {
        byte[] out = new byte[Sha256Hmac.LENGTH];
        new Sha256Hmac("Jefe".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .compute("what do ya want for nothing?".getBytes(java.nio.charset.StandardCharsets.US_ASCII), out);
        assertThat(java.util.HexFormat.of().formatHex(out))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
