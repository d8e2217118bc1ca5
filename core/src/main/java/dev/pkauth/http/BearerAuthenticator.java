package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyPrincipal;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.Usage;
import dev.pkauth.Verification;
import dev.pkauth.internal.text.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole decision of the filters, framework-free: headers in, {@link AuthOutcome} out.
 *
 * <pre>{@code
 * BearerAuthenticator auth = new BearerAuthenticator(store, "api");
 * AuthOutcome outcome = auth.authenticate(authorizationHeaderValues, AccessRule.AUTHENTICATED);
 * }</pre>
 */
public final class BearerAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(BearerAuthenticator.class);
    static final String INVALID_KEY = "the API key is invalid";
    static final String EXPIRED_KEY = "the API key has expired";
    static final String REVOKED_KEY = "the API key has been revoked";
    static final String DISABLED_KEY = "the API key is disabled";
    static final String POLICY_KEY = "the API key does not meet this service's key policy";
    /** Seconds a client should wait after a 503. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private final ApiKeyStore store;
    private final String realm;
    private static final AuthOutcome ANONYMOUS = new AuthOutcome.Anonymous();

    // The answers that do not depend on the request, built once rather than per rejected request.
    private final AuthOutcome missing;
    private final AuthOutcome invalidKey;
    private final AuthOutcome expiredKey;
    private final AuthOutcome revokedKey;
    private final AuthOutcome disabledKey;
    private final AuthOutcome policyKey;
    private static final AuthFailure IP_NOT_ALLOWED = AuthFailure.ipNotAllowed();
    /** Set while the store is failing, so an outage logs two lines, not one per request. */
    private final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * An authenticator for {@code store}.
     *
     * @param store the key store
     * @param realm the realm of challenges
     */
    public BearerAuthenticator(ApiKeyStore store, String realm) {
        this.store = Objects.requireNonNull(store, "store");
        this.realm = Validation.realm(realm);
        this.missing = new AuthOutcome.Rejected(AuthFailure.missingCredentials(this.realm));
        this.invalidKey = new AuthOutcome.Rejected(AuthFailure.invalidToken(this.realm, INVALID_KEY));
        this.expiredKey = new AuthOutcome.Rejected(AuthFailure.invalidToken(this.realm, EXPIRED_KEY));
        this.revokedKey = new AuthOutcome.Rejected(AuthFailure.invalidToken(this.realm, REVOKED_KEY));
        this.disabledKey = new AuthOutcome.Rejected(AuthFailure.invalidToken(this.realm, DISABLED_KEY));
        this.policyKey = new AuthOutcome.Rejected(AuthFailure.invalidToken(this.realm, POLICY_KEY));
    }

    /**
     * The realm of this authenticator's challenges.
     *
     * @return the realm
     */
    public String realm() {
        return realm;
    }

    /**
     * Decides a request from the values of all its {@code Authorization} headers.
     * A presented key is verified even where anonymous access is allowed, so a client learns its
     * key is bad instead of silently acting anonymously.
     *
     * @param authorizationHeaders the values of every {@code Authorization} header of the request, in order
     * @param rule what the resource asks of the request
     * @return authenticated, anonymous, or rejected with the answer to give
     */
    public AuthOutcome authenticate(@Nullable List<String> authorizationHeaders, AccessRule rule) {
        return authenticate(authorizationHeaders, rule, null);
    }

    /**
     * Decides a request: the Bearer header; the client address's budget of rejected keys (429
     * before any lookup once it is spent); the key; the rule's scopes (403); then the key's usage
     * limits (429), which a refused request never spends.
     *
     * @param clientAddress the address the container reports, or {@code null} to skip the
     *     per-address budget; proxies are the container's business (configure it to report the
     *     client's address, e.g. Jetty's {@code ForwardedRequestCustomizer})
     * @param authorizationHeaders the values of every {@code Authorization} header of the request, in order
     * @param rule what the resource asks of the request
     * @return authenticated, anonymous, or rejected with the answer to give
     */
    public AuthOutcome authenticate(@Nullable List<String> authorizationHeaders, AccessRule rule, @Nullable String clientAddress) {
        return decide(authorizationHeaders, rule, clientAddress, true);
    }

    private AuthOutcome decide(@Nullable List<String> authorizationHeaders, AccessRule rule, @Nullable String clientAddress, boolean meter) {
        AuthOutcome identified = identify(authorizationHeaders, rule.anonymous(), clientAddress);
        if (!(identified instanceof AuthOutcome.Authenticated ok)) return identified;
        ApiKeyPrincipal principal = ok.principal();
        AuthFailure denied = authorize(principal, rule);
        if (denied != null) return new AuthOutcome.Rejected(denied, principal);
        return meter ? admit(ok) : ok;
    }

    /**
     * The first half of {@link #authenticate}, for integrations whose framework checks scopes
     * itself (Spring Security's URL rules and {@code @PreAuthorize}): the Bearer header, the
     * per-address budget, the key and its IP allowlist. No credentials gives {@link
     * AuthOutcome.Anonymous} (the framework decides whether that may pass); a valid key gives
     * {@link AuthOutcome.Authenticated} with nothing metered yet: call {@link #admit} once the
     * framework has authorized the request, so a refused request spends nothing.
     *
     * @param authorizationHeaders the values of every {@code Authorization} header of the request, in order
     * @param clientAddress the address the container reports, or {@code null} to skip the per-address budget
     * @return authenticated (nothing metered yet), anonymous, or rejected
     */
    public AuthOutcome identify(@Nullable List<String> authorizationHeaders, @Nullable String clientAddress) {
        return identify(authorizationHeaders, true, clientAddress);
    }

    private AuthOutcome identify(@Nullable List<String> authorizationHeaders, boolean anonymous, @Nullable String clientAddress) {
        BearerCredentials credentials = BearerCredentials.parse(authorizationHeaders);
        if (credentials instanceof BearerCredentials.Absent) {
            return anonymous ? ANONYMOUS : missing;
        }
        if (credentials instanceof BearerCredentials.Malformed m) {
            return new AuthOutcome.Rejected(AuthFailure.invalidRequest(realm, m.description()));
        }
        String token = ((BearerCredentials.Token) credentials).value();
        Verification verification;
        try {
            verification = store.verify(token, clientAddress);
        } catch (StoreUnavailableException e) {
            return unavailable(e);
        }
        if (failing.get() && failing.compareAndSet(true, false)) log.info("pkauth: key store available again");
        if (verification instanceof Verification.Throttled throttled) {
            log.debug("pkauth: refused a key unseen: too many rejected keys from this address");
            return new AuthOutcome.Rejected(AuthFailure.tooManyFailedAttempts(throttled.retryAfterSeconds()));
        }
        if (verification instanceof Verification.Invalid invalid) {
            return switch (invalid.reason()) {
                case EXPIRED -> expiredKey;
                case REVOKED -> revokedKey;
                case DISABLED -> disabledKey;
                case POLICY -> policyKey;
                default -> invalidKey;
            };
        }
        ApiKeyPrincipal principal = ((Verification.Valid) verification).principal();
        if (principal.allowedIps() != null && !principal.allowedIps().allows(clientAddress)) {
            log.debug("pkauth: key {} used from an address outside its allowlist", principal.keyPrefix());
            return new AuthOutcome.Rejected(IP_NOT_ALLOWED, principal);
        }
        return new AuthOutcome.Authenticated(principal);
    }

    /**
     * The last step of {@link #authenticate}: the key's usage limits, spent now. {@link
     * AuthOutcome.Authenticated} (with the {@code RateLimit} headers of a rate-limited key) or a
     * 429/503 {@link AuthOutcome.Rejected}.
     *
     * @param principal the authenticated key's principal
     * @return authenticated with the headers to add, or rejected with a 429 or 503
     */
    public AuthOutcome admit(ApiKeyPrincipal principal) {
        return admit(new AuthOutcome.Authenticated(principal));
    }

    /** {@link #admit(ApiKeyPrincipal)}, answering {@code identified} itself when the key has no limits. */
    private AuthOutcome admit(AuthOutcome.Authenticated identified) {
        ApiKeyPrincipal principal = identified.principal();
        Usage usage;
        try {
            usage = store.admit(principal);
        } catch (StoreUnavailableException e) {
            return unavailable(e);
        }
        if (usage == Usage.UNLIMITED) return identified;
        if (usage instanceof Usage.RateLimited limited) {
            log.debug("pkauth: key {} is over its rate limit", principal.keyPrefix());
            return new AuthOutcome.Rejected(AuthFailure.rateLimited(limited.rate()), principal);
        }
        if (usage instanceof Usage.Exhausted exhausted) {
            log.debug("pkauth: key {} has no credits left", principal.keyPrefix());
            return new AuthOutcome.Rejected(AuthFailure.usageExceeded(exhausted.rate(), exhausted.retryAfterSeconds()),
                    principal);
        }
        return new AuthOutcome.Authenticated(principal,
                usage.rate() == null ? java.util.Map.of() : AuthFailure.rateLimitHeaders(usage.rate()));
    }

    /**
     * After the application answered a request {@link #admit} let through: a 400, 403, 404 or 405
     * means it refused without doing its work (a route or method that does not exist, a request
     * it could not read, a rule checked later such as {@code @PreAuthorize}), so the credit spent
     * is given back. The request still counts against the rate limit. One rule for every adapter;
     * a store that cannot be reached keeps the credit (the answer is already sent).
     *
     * @param principal the key the request was metered for
     * @param status the status the application answered
     */
    public void settle(ApiKeyPrincipal principal, int status) {
        if (status != 400 && status != 403 && status != 404 && status != 405) return;
        try {
            store.refund(principal, 1);
        } catch (StoreUnavailableException e) {
            log.debug("pkauth: could not give back the credit of a refused request: {}", e.getMessage());
        }
    }

    private AuthOutcome unavailable(StoreUnavailableException e) {
        // A read-only database is logged by the store, once; an outage here, once per episode.
        if (!(e instanceof dev.pkauth.StoreReadOnlyException) && failing.compareAndSet(false, true)) {
            log.warn("pkauth: key store unavailable, answering 503 until it is back: {}", e.getMessage());
        }
        return new AuthOutcome.Rejected(AuthFailure.storeFailure(e));
    }

    /**
     * Whether a refused request's connection must close: a body the application never read
     * leaves the connection unusable, and the client's next request on it would fail. One rule
     * for every adapter.
     *
     * @param contentLength the declared length, or -1 when none was declared
     * @param transferEncoding the {@code Transfer-Encoding} header, or {@code null}
     * @return whether to answer with {@code Connection: close}
     */
    public static boolean closeAfterRefusal(long contentLength, @Nullable String transferEncoding) {
        return contentLength > 0 || transferEncoding != null;
    }

    /**
     * Only whether the request carries a valid key: the rejections of {@link #authenticate} up to
     * and including the key's verification, with no scopes checked and nothing metered. For
     * answering a path that matches no resource as a protected one would (no route discovery).
     *
     * @param authorizationHeaders the values of every {@code Authorization} header of the request, in order
     * @param clientAddress the address the container reports, or {@code null} to skip the per-address budget
     * @return authenticated or rejected; no scope is checked and nothing metered
     */
    public AuthOutcome check(@Nullable List<String> authorizationHeaders, @Nullable String clientAddress) {
        return decide(authorizationHeaders, AccessRule.AUTHENTICATED, clientAddress, false);
    }

    /**
     * The 403 to answer when {@code principal} does not satisfy {@code rule}, or {@code null}.
     *
     * @param principal the authenticated key's principal
     * @param rule what the resource asks of the request
     * @return the 403 to answer when {@code principal} does not satisfy {@code rule}, or {@code null}
     */
    public @Nullable AuthFailure authorize(ApiKeyPrincipal principal, AccessRule rule) {
        return authorize(principal, rule, realm);
    }

    /**
     * {@link #authorize(ApiKeyPrincipal, AccessRule)} for a realm given, where no authenticator is
     * at hand (a servlet's own check after the filter).
     *
     * @param principal the authenticated key's principal
     * @param rule what the resource asks of the request
     * @param realm the realm of the challenge
     * @return the 403 to answer when {@code principal} does not satisfy {@code rule}, or {@code null}
     */
    public static @Nullable AuthFailure authorize(ApiKeyPrincipal principal, AccessRule rule, String realm) {
        if (rule.denyAll()) return AuthFailure.insufficientScope(realm, List.of());
        boolean allowed = principal.hasAllScopes(rule.allOf())
                && (rule.anyOf().isEmpty() || rule.anyOf().stream().anyMatch(principal::hasScope));
        if (allowed) return null;
        // The challenge names what the resource needs (RFC 6750 §3), not only what is missing.
        List<String> required = new ArrayList<>(rule.allOf());
        required.addAll(rule.anyOf());
        log.debug("pkauth: key {} lacks scope(s) among {}", principal.keyPrefix(), required);
        return AuthFailure.insufficientScope(realm, required);
    }
}
