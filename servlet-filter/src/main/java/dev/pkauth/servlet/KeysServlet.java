package dev.pkauth.servlet;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.KeysEndpoint;
import dev.pkauth.http.SessionPolicy;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Self-service keys ({@link KeysEndpoint}) as a servlet: callers list, show, create, disable and
 * revoke their own keys. Map it at {@code <path>/*} behind an {@link ApiKeyFilter} (or any
 * integration that sets the request attribute {@value ApiKeyFilter#PRINCIPAL_ATTRIBUTE}):
 *
 * <pre>{@code
 * context.addFilter(new FilterHolder(new ApiKeyFilter(store)), "/keys/*", EnumSet.of(DispatcherType.REQUEST));
 * context.addServlet(new ServletHolder(new KeysServlet(store, "api", "/keys")), "/keys/*");
 * }</pre>
 *
 * <p>The host's signed-in users ({@code request.getUserPrincipal()}: form login, container
 * authentication, or a filter of the host's that wraps the request) manage their own keys here
 * too, within what a {@link SessionPolicy} grants them, when the filter in front lets requests
 * without a key through ({@code ApiKeyFilter.builder(store).anonymous(true)}); their writes must
 * come from the host's own page with the session's token (see {@link dev.pkauth.http.OriginProof}),
 * which {@link KeysConsole} sends.
 */
@dev.pkauth.Beta
public final class KeysServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient KeysEndpoint endpoint;
    private final transient SessionPolicy policy;

    /**
     * Signed-in users may mint keys with no scope ({@link SessionPolicy#NONE}).
     *
     * @param store the key store
     * @param realm the realm of challenges (the filter's)
     * @param mountPath the path it is mapped at, without the {@code /*}, as clients see it
     */
    public KeysServlet(ApiKeyStore store, String realm, String mountPath) {
        this(store, realm, mountPath, SessionPolicy.NONE);
    }

    /**
     * @param store the key store
     * @param realm the realm of challenges (the filter's)
     * @param mountPath the path it is mapped at, without the {@code /*}, as clients see it
     * @param policy what each signed-in user may put on keys, asked per request
     */
    public KeysServlet(ApiKeyStore store, String realm, String mountPath, SessionPolicy policy) {
        this.endpoint = new KeysEndpoint(store, realm, mountPath);
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        ApiKeyPrincipal caller = request.getAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE) instanceof ApiKeyPrincipal p ? p : null;
        KeysEndpoint.Answer answer = endpoint.handle(new KeysEndpoint.Request(request.getMethod(), request.getPathInfo(),
                request.getQueryString(), request.getContentType(), request.getContentLengthLong(),
                request.getHeader("Transfer-Encoding"), request.getInputStream(), caller,
                Sessions.caller(request, policy), request.getHeader("Idempotency-Key")));
        write(answer, request.getMethod(), response);
    }

    /** Writes an endpoint's answer: status, every header, and the body with its length (none for HEAD). */
    static void write(KeysEndpoint.Answer answer, String method, HttpServletResponse response) throws IOException {
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        if (body.length == 0) return;
        response.setContentLength(body.length);
        if (!"HEAD".equalsIgnoreCase(method)) response.getOutputStream().write(body);
    }
}
