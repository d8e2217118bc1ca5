package dev.pkauth.bench.spring;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * <b>The comparison, not pkauth.</b> The API-key filter a Spring team writes by hand today, as
 * issue 25 describes it: the Bearer header, an HMAC of the secret, one {@link JdbcTemplate} lookup
 * of pkauth's own table behind a Caffeine cache, and a {@link UsernamePasswordAuthenticationToken}
 * with {@code SCOPE_} authorities. It reads pkauth's rows (same table, same pepper), so the two
 * sides verify the same keys. It has none of pkauth's answers (no challenge, no reasons, no usage
 * limits, no revocation across processes within the cache's 10 s, no failed-key budget): that is
 * what it costs less for.
 */
final class HandWrittenApiKeyFilter extends OncePerRequestFilter {
    private static final HexFormat HEX = HexFormat.of();

    private final JdbcTemplate jdbc;
    private final SecretKeySpec pepper;
    private final Cache<String, Optional<Row>> rows = Caffeine.newBuilder()
            .maximumSize(10_000).expireAfterWrite(Duration.ofSeconds(10)).build();

    record Row(String userId, String secretHash, List<GrantedAuthority> authorities, Long expiresAt, Long revokedAt) {}

    HandWrittenApiKeyFilter(JdbcTemplate jdbc, String pepper) {
        this.jdbc = jdbc;
        this.pepper = new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            String token = header.substring(7);
            int first = token.indexOf('.');
            int last = token.lastIndexOf('.');
            if (first > 0 && last > first) {
                Row row = rows.get(token.substring(first + 1, last), this::load).orElse(null);
                long now = System.currentTimeMillis() / 1000;
                if (row != null && row.revokedAt() == null && (row.expiresAt() == null || row.expiresAt() > now)
                        && MessageDigest.isEqual(hmac(token.substring(last + 1)), row.secretHash().getBytes(StandardCharsets.US_ASCII))) {
                    SecurityContextHolder.getContext().setAuthentication(
                            UsernamePasswordAuthenticationToken.authenticated(row.userId(), null, row.authorities()));
                }
            }
        }
        chain.doFilter(request, response);
    }

    private Optional<Row> load(String id) {
        return jdbc.query("SELECT user_id, secret_hash, scopes, expires_at, revoked_at FROM pkauth_api_keys WHERE id = ?",
                rs -> {
                    if (!rs.next()) return Optional.<Row>empty();
                    List<GrantedAuthority> authorities = new ArrayList<>();
                    String scopes = rs.getString(3);
                    if (scopes != null) {
                        for (String s : scopes.split(",")) if (!s.isBlank()) authorities.add(new SimpleGrantedAuthority("SCOPE_" + s.strip()));
                    }
                    long expires = rs.getLong(4);
                    Long expiresAt = rs.wasNull() ? null : expires;
                    long revoked = rs.getLong(5);
                    Long revokedAt = rs.wasNull() ? null : revoked;
                    return Optional.of(new Row(rs.getString(1), rs.getString(2), List.copyOf(authorities), expiresAt, revokedAt));
                }, id);
    }

    private byte[] hmac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(pepper);
            return HEX.formatHex(mac.doFinal(secret.getBytes(StandardCharsets.US_ASCII))).getBytes(StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
