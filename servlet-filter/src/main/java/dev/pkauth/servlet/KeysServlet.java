package dev.pkauth.servlet;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.http.KeysEndpoint;
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
 */
@dev.pkauth.Beta
public final class KeysServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient KeysEndpoint endpoint;

    /**
     * @param store the key store
     * @param realm the realm of challenges (the filter's)
     * @param mountPath the path it is mapped at, without the {@code /*}, as clients see it
     */
    public KeysServlet(ApiKeyStore store, String realm, String mountPath) {
        this.endpoint = new KeysEndpoint(store, realm, mountPath);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        ApiKeyPrincipal caller = request.getAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE) instanceof ApiKeyPrincipal p ? p : null;
        KeysEndpoint.Answer answer = endpoint.handle(new KeysEndpoint.Request(request.getMethod(), request.getPathInfo(),
                request.getQueryString(), request.getContentType(), request.getContentLengthLong(),
                request.getHeader("Transfer-Encoding"), request.getInputStream(), caller));
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
