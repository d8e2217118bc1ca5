package dev.pkauth.servlet;

import dev.pkauth.http.KeysEndpoint;
import dev.pkauth.http.LeakEndpoint;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Objects;

/**
 * What a deployment answers when its keys leak ({@link LeakEndpoint}) as a servlet: GitHub's and
 * GitLab's leak reports at {@code <path>/github} and {@code <path>/gitlab}, and the validity probe
 * at an exact path of its own. Map it <em>outside</em> pkauth's filter: reports are authenticated
 * by their signature, and the probe checks its token itself without using it (behind the filter,
 * the probe would count as a use and spend credits).
 *
 * <pre>{@code
 * LeakServlet leaks = new LeakServlet(LeakEndpoint.builder(store).settings(Settings.fromEnvironment()).build());
 * context.addServlet(new ServletHolder(leaks), "/leaks/*");       // POST /leaks/github, /leaks/gitlab
 * context.addServlet(new ServletHolder(leaks), "/keys/status");   // GET: 200 {"active":true} or 401
 * }</pre>
 */
@dev.pkauth.Beta
public final class LeakServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient LeakEndpoint endpoint;

    /** @param endpoint the endpoint, configured with the store and the reporters' key URLs */
    public LeakServlet(LeakEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        String info = request.getPathInfo();
        String method = request.getMethod();
        KeysEndpoint.Answer answer;
        if (info == null || info.equals("/")) { // an exact mapping: the probe
            answer = method.equals("GET") || method.equals("HEAD")
                    ? endpoint.status(Collections.list(request.getHeaders("Authorization")), request.getRemoteAddr())
                    : KeysEndpoint.Answer.methodNotAllowed("GET, HEAD");
        } else if (info.equals("/github") || info.equals("/gitlab")) {
            LeakEndpoint.Reporter reporter = info.equals("/github") ? LeakEndpoint.Reporter.GITHUB : LeakEndpoint.Reporter.GITLAB;
            answer = method.equals("POST")
                    ? endpoint.report(reporter, request.getHeader(reporter.identifierHeader()),
                            request.getHeader(reporter.signatureHeader()), request.getContentLengthLong(), request.getInputStream())
                    : KeysEndpoint.Answer.methodNotAllowed("POST");
        } else {
            answer = KeysEndpoint.Answer.error(404, "not_found", "leak reports go to /github or /gitlab");
        }
        KeysServlet.write(answer, method, response);
    }
}
