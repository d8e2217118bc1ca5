package dev.pkauth.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What shows that a state-changing request made on a session cookie came from the host's own page,
 * not from another site riding the cookie (CSRF). Both must hold: the browser says the request is
 * same-origin ({@code Sec-Fetch-Site: same-origin}, or, from browsers that do not send it, an
 * {@code Origin} equal to this server's), and the request carries the session's token in
 * {@value #TOKEN_HEADER} (on Spring, Spring Security's own CSRF token, checked by its filter).
 *
 * <p>Behind a proxy, {@code ownOrigin} must be the origin the browser sees: let the container
 * apply {@code Forwarded}/{@code X-Forwarded-*} (Jetty's {@code ForwardedRequestCustomizer},
 * Tomcat's {@code RemoteIpValve}, Spring's {@code server.forward-headers-strategy}), or every
 * write from the page is refused as cross-origin, which fails closed.
 *
 * @param origin the request's {@code Origin} header, or {@code null}
 * @param fetchSite the request's {@code Sec-Fetch-Site} header, or {@code null}
 * @param ownOrigin this server's origin as the browser sees it, e.g. {@code https://app.example.com}
 * @param tokenValid whether the request carried the session's token (compared in constant time)
 */
@dev.pkauth.Beta
public record OriginProof(@Nullable String origin, @Nullable String fetchSite, String ownOrigin, boolean tokenValid) {
    /** The header the page sends the session's token in. */
    public static final String TOKEN_HEADER = "X-Pkauth-Csrf";
    /** The session attribute the Servlet and JAX-RS adapters keep the token in. */
    public static final String SESSION_ATTRIBUTE = "dev.pkauth.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @param origin the request's {@code Origin} header, or {@code null}
     * @param fetchSite the request's {@code Sec-Fetch-Site} header, or {@code null}
     * @param ownOrigin this server's origin as the browser sees it
     * @param tokenValid whether the request carried the session's token
     */
    public OriginProof {
        Objects.requireNonNull(ownOrigin, "ownOrigin");
    }

    /**
     * The proof of a request checked against the session's token here.
     *
     * @param origin the {@code Origin} header, or {@code null}
     * @param fetchSite the {@code Sec-Fetch-Site} header, or {@code null}
     * @param ownOrigin this server's origin as the browser sees it
     * @param sent the {@value #TOKEN_HEADER} header, or {@code null}
     * @param expected the session's token, or {@code null} when the session has none yet
     * @return the proof
     */
    public static OriginProof of(@Nullable String origin, @Nullable String fetchSite, String ownOrigin,
            @Nullable String sent, @Nullable String expected) {
        boolean valid = sent != null && expected != null && !expected.isEmpty()
                && MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
        return new OriginProof(origin, fetchSite, ownOrigin, valid);
    }

    /**
     * The proof of a request whose token the framework checked before it got here (Spring
     * Security's {@code CsrfFilter}); the origin is still checked here.
     *
     * @param origin the {@code Origin} header, or {@code null}
     * @param fetchSite the {@code Sec-Fetch-Site} header, or {@code null}
     * @param ownOrigin this server's origin as the browser sees it
     * @return the proof
     */
    public static OriginProof checkedByFramework(@Nullable String origin, @Nullable String fetchSite, String ownOrigin) {
        return new OriginProof(origin, fetchSite, ownOrigin, true);
    }

    /**
     * A new token for a session: 32 random bytes, base64url.
     *
     * @return the token
     */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * An origin as browsers write it: {@code scheme://host}, with the port unless it is the
     * scheme's default.
     *
     * @param scheme {@code http} or {@code https}
     * @param host the host name or address (IPv6 in brackets)
     * @param port the port
     * @return the origin
     */
    public static String originOf(String scheme, String host, int port) {
        String s = scheme.toLowerCase(Locale.ROOT);
        boolean defaultPort = port <= 0 || (s.equals("http") && port == 80) || (s.equals("https") && port == 443);
        String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return s + "://" + h.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    /**
     * Why the request is refused, or {@code null} when it is proven.
     *
     * @return fixed text for the client, or {@code null}
     */
    public @Nullable String refusal() {
        // Without either header it is not a request a page on another site could have made
        // (browsers send Origin on every cross-origin write), so the token alone decides.
        boolean sameOrigin = fetchSite != null ? fetchSite.equalsIgnoreCase("same-origin")
                : origin == null || origin.equalsIgnoreCase(ownOrigin);
        if (!sameOrigin) return "the request did not come from this site's own page";
        if (!tokenValid) return "the request lacks this session's " + TOKEN_HEADER + " token; reload the page";
        return null;
    }
}
