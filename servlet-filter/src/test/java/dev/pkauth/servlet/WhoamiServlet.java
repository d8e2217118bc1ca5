package dev.pkauth.servlet;

import dev.pkauth.testing.Whoami;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Answers who the container says is calling. */
public class WhoamiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
        if (req.getUserPrincipal() != null && req.getAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE) != req.getUserPrincipal()) {
            throw new IllegalStateException("principal attribute missing");
        }
        int refusal = Whoami.refusal(req.getQueryString());
        if (refusal != 0) {
            res.setStatus(refusal);
            return;
        }
        res.setContentType("application/json");
        res.getWriter().write(Whoami.json(req.getUserPrincipal(), req.getAuthType(), req.getRemoteUser(),
                req.isUserInRole("docs:read")));
    }
}
