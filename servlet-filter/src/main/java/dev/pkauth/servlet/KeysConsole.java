package dev.pkauth.servlet;

import dev.pkauth.http.ConsolePage;
import dev.pkauth.http.KeysEndpoint;
import dev.pkauth.http.OriginProof;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The "API keys" page ({@link ConsolePage}) for the host's signed-in users, as a servlet. Map it
 * at {@code <path>/*} behind the host's own sign-in, next to a {@link KeysServlet} the page calls:
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(ApiKeyFilter.builder(store).anonymous(true).build()), "/api/keys/*", requests);
 * context.addServlet(new ServletHolder(new KeysServlet(store, "api", "/api/keys", policy)), "/api/keys/*");
 * context.addServlet(new ServletHolder(new KeysConsole("/account/keys", "/api/keys")), "/account/keys/*");
 * }</pre>
 *
 * <p>The page's assets are served to anyone; the page itself, to a request nobody signed in to, answers 401 (put the host's login in front of the path so a
 * browser is sent there instead). The page carries the session's CSRF token, made here on first
 * use and kept in the session.
 */
@dev.pkauth.Beta
public final class KeysConsole extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient ConsolePage page;
    private final transient Function<HttpServletRequest, Map<String, String>> frameworkTokens;

    /**
     * @param consolePath the path it is mapped at, without the {@code /*}, as browsers see it
     * @param apiPath where the {@link KeysServlet} is mapped, as browsers see it
     */
    public KeysConsole(String consolePath, String apiPath) {
        this(consolePath, apiPath, request -> Map.of());
    }

    /**
     * A page that also sends a framework's own CSRF token on its writes (the Spring starter gives
     * Spring Security's), beside pkauth's session token, which the endpoints check either way.
     *
     * @param consolePath the path it is mapped at, without the {@code /*}, as browsers see it
     * @param apiPath where the {@link KeysServlet} is mapped, as browsers see it
     * @param frameworkTokens for a request, the framework's CSRF header names and tokens
     */
    public KeysConsole(String consolePath, String apiPath, Function<HttpServletRequest, Map<String, String>> frameworkTokens) {
        this.page = new ConsolePage(consolePath, apiPath);
        this.frameworkTokens = Objects.requireNonNull(frameworkTokens, "frameworkTokens");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Principal user = request.getAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE) == null ? request.getUserPrincipal() : null;
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        boolean asset = path.length() > 1; // the script, style and icon are the same for everyone
        KeysEndpoint.Answer answer = user == null && !asset
                ? KeysEndpoint.Answer.error(401, "login_required", "sign in to manage your API keys")
                : page.handle(request.getMethod(), path, user == null ? "" : user.getName(), asset ? Map.of() : proofs(request));
        KeysServlet.write(answer, request.getMethod(), response);
    }

    private Map<String, String> proofs(HttpServletRequest request) {
        Map<String, String> proofs = new HashMap<>(frameworkTokens.apply(request)); // the page orders them
        proofs.put(OriginProof.TOKEN_HEADER, Sessions.token(request));
        return proofs;
    }
}
