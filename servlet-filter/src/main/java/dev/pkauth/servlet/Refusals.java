package dev.pkauth.servlet;

import dev.pkauth.http.AuthFailure;
import dev.pkauth.http.BearerAuthenticator;
import dev.pkauth.http.KeysEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes core's refusals on the Servlet API: for {@link ApiKeyFilter} and for integrations built
 * on servlets that answer pkauth's refusals themselves (the Spring Security integration's entry
 * point, access-denied handler and usage filter).
 */
public final class Refusals {
    private Refusals() {}

    /**
     * Answers {@code failure} as it is (status, headers, JSON body), closing the connection when
     * the request's body was left unread.
     *
     * @param request the request
     * @param response the response, not yet committed
     * @param failure the refusal
     * @throws IOException when the response cannot be written
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, AuthFailure failure) throws IOException {
        response.resetBuffer();
        response.setStatus(failure.status());
        failure.headers().forEach(response::setHeader);
        if (BearerAuthenticator.closeAfterRefusal(request.getContentLengthLong(), request.getHeader("Transfer-Encoding"))) {
            response.setHeader("Connection", "close");
        }
        byte[] body = failure.body().getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Answers one of the keys endpoints' answers (a session's {@code csrf} refusal, say) as it is.
     *
     * @param request the request
     * @param response the response, not yet committed
     * @param answer the answer
     * @throws IOException when the response cannot be written
     */
    public static void write(HttpServletRequest request, HttpServletResponse response, KeysEndpoint.Answer answer) throws IOException {
        response.resetBuffer();
        KeysServlet.write(answer, request.getMethod(), response);
    }
}
