package dev.pkauth.servlet;

import dev.pkauth.http.OriginProof;
import dev.pkauth.http.SessionCaller;
import dev.pkauth.http.SessionPolicy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import org.jspecify.annotations.Nullable;

/** The host's signed-in user as the Servlet API shows them, and the session's CSRF token. */
final class Sessions {
    private Sessions() {}

    /** The signed-in user calling, or {@code null} when the request carries a key or nobody signed in. */
    static @Nullable SessionCaller caller(HttpServletRequest request, SessionPolicy policy) {
        if (request.getAttribute(ApiKeyFilter.PRINCIPAL_ATTRIBUTE) != null) return null;
        Principal user = request.getUserPrincipal();
        if (user == null || user.getName() == null || user.getName().isBlank()) return null;
        HttpSession session = request.getSession(false);
        String expected = session == null ? null : (String) session.getAttribute(OriginProof.SESSION_ATTRIBUTE);
        OriginProof proof = OriginProof.of(request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"), ownOrigin(request),
                request.getHeader(OriginProof.TOKEN_HEADER), expected);
        return new SessionCaller(user.getName(), policy.grantFor(user.getName()), proof);
    }

    /** The session's token, made on first use. */
    static String token(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        synchronized (session) {
            Object token = session.getAttribute(OriginProof.SESSION_ATTRIBUTE);
            if (token instanceof String s) return s;
            String fresh = OriginProof.newToken();
            session.setAttribute(OriginProof.SESSION_ATTRIBUTE, fresh);
            return fresh;
        }
    }

    /** This server's origin as the browser sees it (the container applies forwarding headers when told to). */
    static String ownOrigin(HttpServletRequest request) {
        return OriginProof.originOf(request.getScheme(), request.getServerName(), request.getServerPort());
    }
}
