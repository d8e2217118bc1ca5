package dev.pkauth.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pkauth.PkauthException;
import dev.pkauth.internal.token.TokenCipher.Binding;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenCipherTest {
    final TokenCipher cipher = new TokenCipher(List.of(new byte[32]), false);

    /**
     * Under v1 the associated data was provider, account and column joined by NUL, so ids holding
     * NUL could give two rows the same binding, and user_id was not bound at all.
     */
    @Test
    void idsThatJoinedAlikeUnderV1HaveDifferentBindings() {
        Binding a = new Binding("alice", "gh\u0000x", "1", "access_token");
        Binding b = new Binding("alice", "gh", "x\u00001", "access_token");
        assertThat(a.v1()).as("the v1 ambiguity this fixes").isEqualTo(b.v1());

        String sealed = cipher.seal("token", a);

        assertThat(cipher.open(sealed, a)).isEqualTo("token");
        assertThatThrownBy(() -> cipher.open(sealed, b)).isInstanceOf(PkauthException.class).hasMessageContaining("tampered");
        assertThatThrownBy(() -> cipher.open(sealed, new Binding("mallory", "gh\u0000x", "1", "access_token")))
                .isInstanceOf(PkauthException.class);
    }

    @Test
    void plaintextIsRefusedWithAKeyAndReadWithoutOneOrWhenAllowed() {
        Binding row = new Binding("alice", "github", "1", "access_token");
        assertThatThrownBy(() -> cipher.open("planted", row)).isInstanceOf(PkauthException.class)
                .hasMessageContaining("plaintext").hasMessageNotContaining("planted");
        assertThat(new TokenCipher(List.of(), false).open("planted", row)).isEqualTo("planted");
        assertThat(new TokenCipher(List.of(new byte[32]), true).open("planted", row)).isEqualTo("planted");
    }
}
