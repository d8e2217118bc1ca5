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
}
