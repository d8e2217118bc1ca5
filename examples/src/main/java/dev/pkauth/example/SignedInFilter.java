package dev.pkauth.example;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.security.Principal;

/**
 * Makes the example's signed-in user the request's {@code getUserPrincipal()}, as a container's
 * form login would, and sends a browser that is not signed in from {@code /account/…} to the form.
 */
final class SignedInFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpSession session = request.getSession(false);
        Object user = session == null ? null : session.getAttribute(SignInServlet.USER_ATTRIBUTE);
        if (user instanceof String name) {
            Principal principal = () -> name;
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public String getRemoteUser() {
                    return name;
                }
            }, response);
            return;
        }
        String uri = request.getRequestURI();
        // The page's assets are public files (the login form shows the icon); the page is not.
        if (uri.startsWith("/account/") && !uri.matches(".*\\.(js|css|svg)")) {
            response.setStatus(303);
            response.setHeader("Location", "/login");
            return;
        }
        chain.doFilter(request, response);
    }
}
