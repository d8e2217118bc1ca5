package dev.pkauth.http;

import dev.pkauth.ApiKeyPrincipal;

/** What an adapter should do with a request. */
public sealed interface AuthOutcome {
    /** Let it through as this principal. */
    record Authenticated(ApiKeyPrincipal principal) implements AuthOutcome {}

    /** Let it through with no principal (anonymous access allowed, no credentials presented). */
    record Anonymous() implements AuthOutcome {}

    /** Answer with this failure and stop. */
    record Rejected(AuthFailure failure) implements AuthOutcome {}
}
