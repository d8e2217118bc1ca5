package dev.pkauth.jaxrs;

import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.http.OriginProof;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import org.jspecify.annotations.Nullable;

/**
 * The host's signed-in user on a JAX-RS request, and the session's CSRF token, kept in the servlet container's session under
 * {@value OriginProof#SESSION_ATTRIBUTE} as the Servlet adapter keeps it: JAX-RS has no session of
 * its own. {@link ApiKeyAuthFilter} leaves one on the requests of the keys and console resources.
 * Outside a servlet container there is no session, no token, and every session write is refused.
 */
final class SessionTokens {
    /** The request property holding the request's {@code SessionTokens}. */
    static final String PROPERTY = SessionTokens.class.getName();

    private final @Nullable HttpServletRequest request;

    SessionTokens(@Nullable HttpServletRequest request) {
        this.request = request;
    }

    /** The host's signed-in user of a request: its {@code SecurityContext} user, unless none or a key. */
    static @Nullable Principal signedIn(@Nullable SecurityContext security) {
        Principal user = security == null ? null : security.getUserPrincipal();
        return user == null || user instanceof ApiKeyPrincipal || user.getName() == null || user.getName().isBlank() ? null : user;
    }

    /** The session's token, or {@code null} without a session or token. */
    @Nullable String current() {
        try {
            HttpSession session = request == null ? null : request.getSession(false);
            return session != null && session.getAttribute(OriginProof.SESSION_ATTRIBUTE) instanceof String s ? s : null;
        } catch (RuntimeException notInAServletContainer) {
            return null;
        }
    }

    /** The session's token, made (with the session) on first use, or {@code null} outside a servlet container. */
    @Nullable String orCreate() {
        HttpSession session;
        try {
            session = request == null ? null : request.getSession(true);
        } catch (RuntimeException notInAServletContainer) {
            return null;
        }
        if (session == null) return null;
        synchronized (session) {
            if (session.getAttribute(OriginProof.SESSION_ATTRIBUTE) instanceof String s) return s;
            String fresh = OriginProof.newToken();
            session.setAttribute(OriginProof.SESSION_ATTRIBUTE, fresh);
            return fresh;
        }
    }
}
