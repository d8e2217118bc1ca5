package dev.pkauth.testing;

import dev.pkauth.ApiKeyPrincipal;
import java.security.Principal;
import java.util.stream.Collectors;

/** The JSON every contract deployment answers with, so all three are checked alike. */
public final class Whoami {
    private Whoami() {}

    public static String json(Principal principal, String authType, String remoteUser, boolean inRoleDocsRead) {
        if (principal == null) return "{\"anonymous\":true}";
        ApiKeyPrincipal p = (ApiKeyPrincipal) principal;
        String scopes = p.scopes().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
        return "{\"user_id\":\"" + p.userId() + "\",\"key_id\":\"" + p.keyId() + "\",\"scopes\":[" + scopes + "]"
                + ",\"auth_type\":\"" + authType + "\",\"remote_user\":\"" + remoteUser + "\""
                + ",\"role_docs_read\":" + inRoleDocsRead + "}";
    }

    /**
     * The status a contract deployment's {@code /whoami} answers instead of 200 when asked with
     * {@code ?answer=N} (400, 403, 404 or 405: the application refusing after pkauth let the
     * request through), or 0.
     */
    public static int refusal(String query) {
        if (query == null || !query.startsWith("answer=")) return 0;
        int status = Integer.parseInt(query.substring("answer=".length()));
        if (status != 400 && status != 403 && status != 404 && status != 405) throw new IllegalArgumentException("answer=" + status);
        return status;
    }
}
