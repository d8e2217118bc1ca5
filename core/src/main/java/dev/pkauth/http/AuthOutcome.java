package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyPrincipal;

/** What an adapter should do with a request. */
public sealed interface AuthOutcome {
    /**
     * Let it through as this principal, adding {@code headers} to the response (the
     * {@code RateLimit} headers of a rate-limited key; empty otherwise).
     */
    record Authenticated(ApiKeyPrincipal principal, java.util.Map<String, String> headers) implements AuthOutcome {
        /**
         * Copies the headers.
         *
         * @param principal the authenticated key's principal
         * @param headers headers to add to the response
         */
        public Authenticated {
            headers = java.util.Map.copyOf(headers);
        }

        /**
         * Let it through as this principal.
         *
         * @param principal the authenticated key's principal
         */
        public Authenticated(ApiKeyPrincipal principal) {
            this(principal, java.util.Map.of());
        }
    }

    /** Let it through with no principal (anonymous access allowed, no credentials presented). */
    record Anonymous() implements AuthOutcome {}

    /**
     * Answer with this failure and stop. When the key itself was valid (a missing scope, an
     * address outside its allowlist, a usage limit), {@code principal} says whose it was, so an
     * access log can name the user; otherwise {@code null}.
     */
    record Rejected(AuthFailure failure, @Nullable ApiKeyPrincipal principal) implements AuthOutcome {
        /**
         * Refused, naming no key.
         *
         * @param failure the refusal
         */
        public Rejected(AuthFailure failure) {
            this(failure, null);
        }
    }
}
