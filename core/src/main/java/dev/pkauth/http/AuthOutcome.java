package dev.pkauth.http;

import dev.pkauth.ApiKeyPrincipal;

/** What an adapter should do with a request. */
public sealed interface AuthOutcome {
    /**
     * Let it through as this principal, adding {@code headers} to the response (the
     * {@code RateLimit} headers of a rate-limited key; empty otherwise).
     */
    record Authenticated(ApiKeyPrincipal principal, java.util.Map<String, String> headers) implements AuthOutcome {
        public Authenticated {
            headers = java.util.Map.copyOf(headers);
        }

        public Authenticated(ApiKeyPrincipal principal) {
            this(principal, java.util.Map.of());
        }
    }

    /** Let it through with no principal (anonymous access allowed, no credentials presented). */
    record Anonymous() implements AuthOutcome {}

    /** Answer with this failure and stop. */
    record Rejected(AuthFailure failure) implements AuthOutcome {}
}
