package dev.pkauth.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The "API keys" page for the host's signed-in users: plain HTML, CSS and one small ES module,
 * all served from pkauth's jar, no build chain, no CDN. The page is a client of the keys endpoints
 * ({@link KeysEndpoint}); it lists the user's keys, creates one (its token shown once), rotates,
 * disables, enables and revokes them. It runs under a strict {@code Content-Security-Policy} (no
 * inline script or style), which it sends; a host restyles it through CSS custom properties
 * ({@code --pkauth-accent}, {@code --pkauth-font}…).
 *
 * <p>Framework-free like the endpoints: the Servlet, JAX-RS and Spring adapters mount it at a
 * path of the host's choosing, behind the host's own sign-in, and give it the session's CSRF token
 * and the header it travels in.
 */
@dev.pkauth.Beta
public final class ConsolePage {
    /** What the page may load and do: only its own assets, only calls to its own origin. */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    /** Read once: they are small, and the jar does not change under a running process. */
    private static final Map<String, Asset> ASSETS = Map.of(
            "/console.js", new Asset("text/javascript; charset=utf-8", resource("console.js")),
            "/console.css", new Asset("text/css; charset=utf-8", resource("console.css")),
            "/console.svg", new Asset("image/svg+xml", resource("console.svg")));
    private static final String TEMPLATE = resource("console.html");

    private final String consolePath;
    private final String apiPath;

    /**
     * @param consolePath where the page is mounted, as the browser sees it (e.g. {@code /account/keys})
     * @param apiPath where the keys endpoints are mounted, as the browser sees it (e.g. {@code /api/keys})
     * @throws IllegalArgumentException for a path that does not start with {@code /} or has characters a URL path cannot
     */
    public ConsolePage(String consolePath, String apiPath) {
        this.consolePath = path(consolePath, "consolePath");
        this.apiPath = path(apiPath, "apiPath");
    }

    /**
     * Answers one request to the page or its assets; never throws for anything the client sent.
     *
     * @param method the HTTP method
     * @param path the path below the mount path ({@code ""} or {@code "/"} for the page)
     * @param userId the signed-in user, shown on the page
     * @param csrfHeader the header the page must send the session's token in
     * @param csrfToken the session's token
     * @return what to answer
     */
    public KeysEndpoint.Answer handle(String method, String path, String userId, String csrfHeader, String csrfToken) {
        return handle(method, path, userId, Map.of(csrfHeader, csrfToken));
    }

    /**
     * Answers one request to the page or its assets, with every header the page must send on its
     * writes (pkauth's session token; on Spring also Spring Security's CSRF token).
     *
     * @param method the HTTP method
     * @param path the path below the mount path ({@code ""} or {@code "/"} for the page)
     * @param userId the signed-in user, shown on the page
     * @param csrf header name → value, each sent by the page on every write
     * @return what to answer
     */
    public KeysEndpoint.Answer handle(String method, String path, String userId, Map<String, String> csrf) {
        String m = method.toUpperCase(Locale.ROOT);
        if (!m.equals("GET") && !m.equals("HEAD")) return KeysEndpoint.Answer.methodNotAllowed("GET, HEAD");
        String p = path == null ? "" : path;
        if (p.isEmpty() || p.equals("/")) return page(userId, csrf);
        Asset asset = ASSETS.get(p);
        if (asset == null) return KeysEndpoint.Answer.error(404, "not_found", "no such page");
        Map<String, String> h = securityHeaders();
        h.put("Content-Type", asset.type());
        h.put("Cache-Control", "no-cache");
        return new KeysEndpoint.Answer(200, h, asset.body());
    }

    private KeysEndpoint.Answer page(String userId, Map<String, String> csrf) {
        StringBuilder proofs = new StringBuilder();
        new java.util.TreeMap<>(csrf).forEach((header, token) -> proofs.append("<meta name=\"pkauth-csrf\" data-header=\"")
                .append(html(header)).append("\" content=\"").append(html(token)).append("\">\n"));
        String html = TEMPLATE
                .replace("{{base}}", html(consolePath))
                .replace("{{api}}", html(apiPath))
                .replace("{{csrf}}", proofs)
                .replace("{{user}}", html(userId));
        Map<String, String> h = securityHeaders();
        h.put("Content-Type", "text/html; charset=utf-8");
        h.put("Cache-Control", "no-store");
        return new KeysEndpoint.Answer(200, h, html);
    }

    private record Asset(String type, String body) {}

    private static Map<String, String> securityHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put("X-Frame-Options", "DENY");
        return h;
    }

    private static String path(String value, String name) {
        Objects.requireNonNull(value, name);
        String p = value.endsWith("/") && value.length() > 1 ? value.substring(0, value.length() - 1) : value;
        if (!p.startsWith("/") || !p.matches("[A-Za-z0-9/._~-]+")) {
            throw new IllegalArgumentException(name + " must be a URL path such as /account/keys, was \"" + value + "\"");
        }
        return p;
    }

    private static String html(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String resource(String name) {
        try (InputStream in = ConsolePage.class.getResourceAsStream("console/" + name)) {
            if (in == null) throw new IllegalStateException("pkauth-core is missing its console asset " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
