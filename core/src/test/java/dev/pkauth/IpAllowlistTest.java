package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAllowlistTest {
    @ParameterizedTest
    @CsvSource({
        "203.0.113.0/24, 203.0.113.7, true",
        "203.0.113.0/24, 203.0.114.7, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.1/32, 127.0.0.2, false",
        "0.0.0.0/0, 198.51.100.1, true",
        "10.0.0.0/8, ::ffff:10.1.2.3, true",
        "2001:db8::/32, 2001:db8:1::5, true",
        "2001:db8::/32, 2001:db9::5, false",
        "::1, ::1, true",
        "::1/128, [::1], true",
        "::1, 0:0:0:0:0:0:0:1, true",
        "::1, ::2, false",
        "fe80::/10, fe80::1%eth0, true",
        "::/0, 2001:db8::1, true",
        "::ffff:0:0/96, 192.0.2.1, true",
        "2001:db8::, 2001:db8:0:0:0:0:0:0, true",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8, true",
        "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:9, false",
        "1::8, 1:0:0:0:0:0:0:8, true",
        "1:2::7:8, 1:2:0:0:0:0:7:8, true",
        "::1.2.3.4, 0:0:0:0:0:0:102:304, true",
        "127.0.0.1, not-an-address, false",
        "127.0.0.1, 127.0.0.01, false",
    })
    void rangesMatchAsCidrSays(String range, String address, boolean allowed) {
        assertThat(IpAllowlist.parse(range).allows(address)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "::1/129", "1:2:3:4:5:6:7:8:9",
        "1::2::3", ":1::", "12345::", "1.2.3.4/", "1.2.3.4/x", "g::1", "1.2.3.-4"})
    void anythingElseIsRefusedNamingIt(String bad) {
        assertThatThrownBy(() -> IpAllowlist.parse(bad)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itKeepsACanonicalForm() {
        IpAllowlist a = IpAllowlist.parse(" 203.0.113.9/24 , 2001:DB8::1/32");
        assertThat(a.toString()).isEqualTo("203.0.113.0/24,2001:db8:0:0:0:0:0:0/32");
        assertThat(IpAllowlist.parse(a.toString())).isEqualTo(a);
    }

    /** Random IPv6 addresses, written as the JDK writes them, parse to the same 128 bits. */
    @Test
    void ipv6ParsingAgreesWithTheJdk() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            for (int z = 0; z < 16; z++) if (random.nextInt(3) == 0) bytes[z] = 0; // runs of zeros for "::"
            String text = InetAddress.getByAddress(bytes).getHostAddress();
            String compressed = text.replaceFirst("(^|:)(0:)+0?(:|$)", "::").replaceAll(":::", "::");
            for (String form : new String[] {text, compressed}) {
                long[] out = new long[2];
                assertThat(dev.pkauth.internal.text.Addresses.parse(form, 0, form.length(), out)).as(form).isTrue();
                assertThat(out[0]).as(form).isEqualTo(java.nio.ByteBuffer.wrap(bytes).getLong(0));
                assertThat(out[1]).as(form).isEqualTo(java.nio.ByteBuffer.wrap(bytes).getLong(8));
            }
        }
    }
}
