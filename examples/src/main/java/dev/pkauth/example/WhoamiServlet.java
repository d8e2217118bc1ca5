package dev.pkauth.example;

import dev.pkauth.ApiKeyPrincipal;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** A plain servlet behind {@code ApiKeyFilter}: the container's own API says who is calling. */
public class WhoamiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ApiKeyPrincipal who = (ApiKeyPrincipal) request.getUserPrincipal();
        response.setContentType("application/json");
        response.getWriter().write(Json.write(Json.whoami(who)));
    }
}
