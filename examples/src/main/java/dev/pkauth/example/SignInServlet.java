package dev.pkauth.example;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /login} (a form with {@code username} and {@code password}) and {@code /logout}: the
 * host application's own sign-in, which pkauth's page trusts through {@link SignedInFilter}.
 */
final class SignInServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String USER_ATTRIBUTE = "pkauth-example.user";
    private static final String FORM = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in</title><link rel="icon" href="/account/keys/console.svg" type="image/svg+xml"></head>
            <body><main><h1>Sign in</h1>%s
            <form method="post" action="/login">
            <p><label for="username">Username</label><br><input id="username" name="username" autocomplete="username" required></p>
            <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
            <p><button type="submit">Sign in</button></p>
            </form></main></body></html>
            """;
    private final transient SignIn users;

    SignInServlet(SignIn users) {
        this.users = users;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getServletPath().equals("/logout")) {
            response.sendError(405);
            return;
        }
        page(response, 200, "");
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getServletPath().equals("/logout")) {
            HttpSession session = request.getSession(false);
            if (session != null) session.invalidate();
            response.setStatus(303);
            response.setHeader("Location", "/login");
            return;
        }
        String user = request.getParameter("username");
        String password = request.getParameter("password");
        if (user == null || password == null || !users.check(user, password)) {
            page(response, 401, "<p role=\"alert\">Wrong username or password.</p>");
            return;
        }
        HttpSession session = request.getSession(true);
        request.changeSessionId(); // no session fixation: the id a visitor had before signing in is void
        session.setAttribute(USER_ATTRIBUTE, user);
        response.setStatus(303);
        response.setHeader("Location", "/account/keys");
    }

    private static void page(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html; charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; form-action 'self'; frame-ancestors 'none'");
        response.getOutputStream().write(FORM.formatted(message).getBytes(StandardCharsets.UTF_8));
    }
}
