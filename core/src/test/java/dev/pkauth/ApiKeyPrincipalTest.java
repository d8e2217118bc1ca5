package dev.pkauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeyPrincipalTest {
    static ApiKeyPrincipal with(String... scopes) {
        return new ApiKeyPrincipal("alice", "key_abcdefghijklmnopqrstuvwxyz012345", "CI", List.of(scopes), null);
    }

    @Test
    void exactScopeMatches() {
        assertThat(with("docs:read").hasScope("docs:read")).isTrue();
        assertThat(with("docs:read").hasScope("docs:write")).isFalse();
        assertThat(with("docs:read").hasScope("docs")).isFalse();
    }

    @Test
    void starGrantsEverything() {
        assertThat(with("*").hasScope("anything:at:all")).isTrue();
    }

    @Test
    void prefixWildcardGrantsScopesUnderThatPrefixOnly() {
        ApiKeyPrincipal p = with("docs:*");
        assertThat(p.hasScope("docs:read")).isTrue();
        assertThat(p.hasScope("docs:write:all")).isTrue();
        assertThat(p.hasScope("docs:")).isFalse();
        assertThat(p.hasScope("docsx:read")).isFalse();
        assertThat(p.hasScope("keys:read")).isFalse();
        assertThat(p.hasScope("")).isFalse();
        assertThat(p.hasScope(null)).isFalse();
    }

    @Test
    void nameIsTheUserIdAndToStringShowsOnlyThePrefix() {
        ApiKeyPrincipal p = with("a");
        assertThat(p.getName()).isEqualTo("alice");
        assertThat(p.keyPrefix()).isEqualTo("pk.key_abcdefghi");
        assertThat(p.toString()).contains("pk.key_abcdefghi").doesNotContain("jklmnop");
    }
}
