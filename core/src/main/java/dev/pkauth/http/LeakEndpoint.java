package dev.pkauth.http;

import dev.pkauth.ApiKeyStore;
import dev.pkauth.Settings;
import dev.pkauth.StoreUnavailableException;
import dev.pkauth.Verification;
import dev.pkauth.internal.leaks.SigningKeys;
import dev.pkauth.internal.metrics.LeakMetrics;
import dev.pkauth.internal.token.Sha256Digest;
import dev.pkauth.internal.text.Json;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a deployment answers when its keys leak, framework-free: the receiver of GitHub's secret
 * scanning partner alerts and GitLab's token revocation requests, and a validity probe for
 * scanners. The Servlet, JAX-RS and Spring adapters mount it ({@code POST /leaks/github},
 * {@code POST /leaks/gitlab}, {@code GET /keys/status}) and only translate requests and answers.
 *
 * <p>A report is a JSON array of {@code {"token","type","url","source"}}, signed by the reporter:
 * {@code <Reporter>-Public-Key-Signature} is a base64 ECDSA (P-256, SHA-256) signature over the raw
 * body by the key {@code <Reporter>-Public-Key-Identifier} names in the reporter's published key
 * set. A missing or wrong signature is 401 and nothing happens. Each reported token is checked as
 * any token is, without using it (no {@code last_used_at}, nothing metered); a live key is revoked
 * (policy {@code revoke}, the default) or only reported ({@code notify}), the audit log recording
 * the reporter as actor and the leak's URL, and the {@link LeakListener} is told once. The answer
 * is 201 with GitHub's feedback array: per token, its SHA-256 ({@code token_hash}), its
 * {@code token_type} and {@code true_positive} (a real key, live or not) or {@code false_positive}.
 * A report repeated (GitHub retries) does its work once.
 *
 * <pre>{@code
 * LeakEndpoint leaks = LeakEndpoint.builder(store).settings(Settings.fromEnvironment()).listener(r -> mail(r)).build();
 * }</pre>
 */
@dev.pkauth.Beta
public final class LeakEndpoint {
    private static final Logger log = LoggerFactory.getLogger(LeakEndpoint.class);
    /** GitHub's published secret scanning keys. */
    public static final URI GITHUB_KEYS = URI.create(Objects.requireNonNull(Settings.option(Settings.GITHUB_KEYS_URL).defaultValue()));
    /** Report bodies over this many bytes are refused (413) before more is read. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Most tokens in one report. */
    public static final int MAX_TOKENS = 1000;
    /** Report bodies read at once; beyond, 503 at once, so slow senders cannot hold the container's threads. */
    public static final int MAX_BODIES = 4;
    /** The longest a report body may take to arrive. */
    public static final Duration BODY_DEADLINE = Duration.ofSeconds(10);

    /** Who sends reports. */
    public enum Reporter {
        /** GitHub secret scanning (partner program). */
        GITHUB("github-secret-scanning", "Github"),
        /** GitLab secret detection (token revocation API). */
        GITLAB("gitlab-secret-detection", "Gitlab");

        private final String actor;
        private final String headerPrefix;

        Reporter(String actor, String headerPrefix) {
            this.actor = actor;
            this.headerPrefix = headerPrefix;
        }

        /**
         * The audit actor of what this reporter's reports do.
         * @return the actor
         */
        public String actor() {
            return actor;
        }

        /**
         * The header naming the signing key ({@code Github-Public-Key-Identifier}).
         * @return the name
         */
        public String identifierHeader() {
            return headerPrefix + "-Public-Key-Identifier";
        }

        /**
         * The header holding the signature ({@code Github-Public-Key-Signature}).
         * @return the name
         */
        public String signatureHeader() {
            return headerPrefix + "-Public-Key-Signature";
        }
    }

    /** What a report of a live key does. */
    public enum Policy {
        /** Revoke the key (the default). */
        REVOKE,
        /** Only record it and tell the listener. */
        NOTIFY
    }

    private final ApiKeyStore store;
    private final Policy policy;
    private final Map<Reporter, SigningKeys> keys;
    private final @Nullable LeakListener listener;
    private final @Nullable LeakMetrics metrics;
    private final String realm;
    private final Clock clock;
    private final Semaphore bodies = new Semaphore(MAX_BODIES);
    /** Keys already reported under {@code notify}, so a retried report tells the listener once. Bounded. */
    private final com.github.benmanes.caffeine.cache.Cache<String, Boolean> notified =
            com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofDays(1)).build();

    private LeakEndpoint(Builder b) {
        this.store = b.store;
        Settings s = b.settings != null ? b.settings : Settings.of(Map.of());
        this.policy = b.policy != null ? b.policy : policy(s);
        this.realm = dev.pkauth.internal.text.Validation.realm(b.realm != null ? b.realm : s.get(Settings.REALM, Deployment.DEFAULT_REALM));
        this.clock = b.clock;
        HttpClient client = HttpClient.newBuilder().connectTimeout(SigningKeys.FETCH_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        Map<Reporter, SigningKeys> k = new java.util.EnumMap<>(Reporter.class);
        URI github = b.githubKeysUrl != null ? b.githubKeysUrl : uri(s, Settings.GITHUB_KEYS_URL, GITHUB_KEYS);
        k.put(Reporter.GITHUB, new SigningKeys(Objects.requireNonNull(github), client, clock));
        URI gitlab = b.gitlabKeysUrl != null ? b.gitlabKeysUrl : uri(s, Settings.GITLAB_KEYS_URL, null);
        if (gitlab != null) k.put(Reporter.GITLAB, new SigningKeys(gitlab, client, clock));
        this.keys = k;
        this.listener = b.listener;
        this.metrics = b.meterRegistry == null ? null : new LeakMetrics(b.meterRegistry);
    }

    private static Policy policy(Settings s) {
        String value = Objects.requireNonNull(s.getOrDefault(Settings.LEAK_POLICY)).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "revoke" -> Policy.REVOKE;
            case "notify" -> Policy.NOTIFY;
            default -> throw new IllegalStateException(s.describe(Settings.LEAK_POLICY) + " must be revoke or notify");
        };
    }

    private static @Nullable URI uri(Settings s, String name, @Nullable URI fallback) {
        String value = s.get(name);
        if (value == null) return fallback;
        try {
            URI u = new URI(value);
            if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) throw new java.net.URISyntaxException(value, "not http(s)");
            return u;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(s.describe(name) + " must be an http(s) URL");
        }
    }

    /**
     * A builder over {@code store}.
     *
     * @param store the key store whose keys are reported
     * @return a new builder
     */
    public static Builder builder(ApiKeyStore store) {
        return new Builder(store);
    }

    /** Options of a {@link LeakEndpoint}; unset ones come from {@link #settings}, then defaults. */
    public static final class Builder {
        private final ApiKeyStore store;
        private @Nullable Settings settings;
        private @Nullable Policy policy;
        private @Nullable URI githubKeysUrl;
        private @Nullable URI gitlabKeysUrl;
        private @Nullable LeakListener listener;
        private @Nullable Object meterRegistry;
        private @Nullable String realm;
        private Clock clock = Clock.systemUTC();

        private Builder(ApiKeyStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * Reads {@code leak-policy}, {@code github-keys-url}, {@code gitlab-keys-url} and {@code realm}.
         * @param settings the settings
         * @return this builder
         */
        public Builder settings(Settings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /**
         * What a report of a live key does.
         * @param policy revoke or notify
         * @return this builder
         */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Where GitHub's signing keys are published (tests point it at a stand-in).
         * @param url the URL
         * @return this builder
         */
        public Builder githubKeysUrl(URI url) {
            this.githubKeysUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Where GitLab's signing keys are published; without it, GitLab reports answer 404.
         * @param url the URL
         * @return this builder
         */
        public Builder gitlabKeysUrl(URI url) {
            this.gitlabKeysUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Told of each live key reported.
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(LeakListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * A Micrometer {@code MeterRegistry} for {@code pkauth.leak.reports}.
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(Object registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * The realm of the probe's challenges.
         * @param realm the realm
         * @return this builder
         */
        public Builder realm(String realm) {
            this.realm = Objects.requireNonNull(realm, "realm");
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the endpoint
         * @throws IllegalStateException for a setting that cannot be used, named
         */
        public LeakEndpoint build() {
            return new LeakEndpoint(this);
        }
    }

    // --- the validity probe ------------------------------------------------------------------------

    /**
     * The validity probe: 200 {@code {"active":true}} when the bearer token is a live key, else
     * 401; nothing about the key (no user, no scopes). It spends nothing and does not move
     * {@code last_used_at}; unknown and bad tokens count against the address's budget of rejected
     * keys as on any route (429 once it is spent).
     *
     * @param authorization the values of every {@code Authorization} header
     * @param clientAddress the client's address, for the budget, or {@code null}
     * @return what to answer
     */
    public KeysEndpoint.Answer status(@Nullable List<String> authorization, @Nullable String clientAddress) {
        BearerCredentials credentials = BearerCredentials.parse(authorization);
        if (!(credentials instanceof BearerCredentials.Token token)) {
            return KeysEndpoint.Answer.of(credentials instanceof BearerCredentials.Absent
                    ? AuthFailure.missingCredentials(realm) : AuthFailure.invalidToken(realm, "the API key is not active"));
        }
        Verification v;
        try {
            v = store.inspect(token.value(), clientAddress);
        } catch (StoreUnavailableException e) {
            return KeysEndpoint.Answer.of(AuthFailure.storeFailure(e));
        }
        if (v instanceof Verification.Throttled t) return KeysEndpoint.Answer.of(AuthFailure.tooManyFailedAttempts(t.retryAfterSeconds()));
        if (!v.isValid()) return KeysEndpoint.Answer.of(AuthFailure.invalidToken(realm, "the API key is not active"));
        return KeysEndpoint.Answer.json(200, Map.of("active", true));
    }

    // --- reports -----------------------------------------------------------------------------------

    /**
     * A leak report from {@code reporter}.
     *
     * @param reporter who sent it (by the path it was posted to)
     * @param keyIdentifier the {@code …-Public-Key-Identifier} header, or {@code null}
     * @param signature the {@code …-Public-Key-Signature} header, or {@code null}
     * @param contentLength the declared length, or -1
     * @param body the raw body
     * @return what to answer
     */
    public KeysEndpoint.Answer report(Reporter reporter, @Nullable String keyIdentifier, @Nullable String signature,
            long contentLength, InputStream body) {
        SigningKeys signing = keys.get(reporter);
        if (signing == null) {
            return KeysEndpoint.Answer.error(404, "not_found", reporter.name().toLowerCase(Locale.ROOT)
                    + " reports are not configured here (set " + Settings.environmentName(Settings.GITLAB_KEYS_URL) + ")");
        }
        if (contentLength > MAX_BODY_BYTES) return tooLarge();
        if (!bodies.tryAcquire()) {
            return KeysEndpoint.Answer.error(503, "temporarily_unavailable", "too many reports are being received; try again shortly")
                    .with("Retry-After", "1").with("Connection", "close");
        }
        byte[] raw;
        try {
            raw = read(body, contentLength);
        } catch (Refused r) {
            return r.answer;
        } finally {
            bodies.release();
        }
        switch (signing.check(keyIdentifier, signature, raw)) {
            case NO_KEYS:
                log.warn("pkauth: a {} leak report arrived but its signing keys could not be fetched; answered 503 (it will retry)",
                        reporter.actor());
                return KeysEndpoint.Answer.error(503, "temporarily_unavailable",
                        "the reporter's signing keys could not be fetched; try again later").with("Retry-After", "60");
            case INVALID:
                log.info("pkauth: refused a {} leak report whose signature does not verify", reporter.actor());
                return KeysEndpoint.Answer.error(401, "invalid_signature", "the report's signature does not verify");
            default:
                break;
        }
        List<Map<String, Object>> items;
        try {
            items = items(new String(raw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return KeysEndpoint.Answer.error(400, "invalid_request", String.valueOf(e.getMessage()));
        }
        List<Object> feedback = new ArrayList<>(items.size());
        try {
            for (Map<String, Object> item : items) feedback.add(handle(reporter, item));
        } catch (StoreUnavailableException e) {
            return KeysEndpoint.Answer.of(AuthFailure.storeFailure(e)); // the reporter retries; work done stays done
        }
        return KeysEndpoint.Answer.json(201, feedback);
    }

    /** One reported token: revoke or report it, and say whether it was one of ours. */
    private Map<String, Object> handle(Reporter reporter, Map<String, Object> item) {
        String token = item.get("token") instanceof String t ? t.strip() : "";
        String type = item.get("type") instanceof String t ? t : "";
        String url = item.get("url") instanceof String u ? limit(u) : null;
        String source = item.get("source") instanceof String s ? limit(s) : null;
        Verification v = store.inspect(token, null);
        String outcome;
        boolean real;
        if (v instanceof Verification.Valid valid) {
            real = true;
            String note = "leaked" + (url == null ? "" : ": " + url) + (source == null ? "" : " (" + source + ")");
            if (policy == Policy.REVOKE) {
                boolean revoked = store.withActor(reporter.actor()).revoke(valid.key().id(), note);
                outcome = revoked ? "revoked" : "inactive";
                if (revoked) tell(new LeakReport(valid.key(), reporter.actor(), url, source, true));
                log.warn("pkauth: key {} of user {} was reported leaked by {}{}", valid.key().prefix(), valid.key().userId(),
                        reporter.actor(), revoked ? " and revoked" : "");
            } else {
                outcome = "reported";
                if (notified.asMap().putIfAbsent(valid.key().id(), Boolean.TRUE) == null) {
                    tell(new LeakReport(valid.key(), reporter.actor(), url, source, false));
                    log.warn("pkauth: key {} of user {} was reported leaked by {} (policy notify: not revoked)",
                            valid.key().prefix(), valid.key().userId(), reporter.actor());
                }
            }
        } else {
            Verification.Reason reason = v instanceof Verification.Invalid i ? i.reason() : null;
            // Right secret, key no longer live: still a real token of ours.
            real = reason == Verification.Reason.REVOKED || reason == Verification.Reason.EXPIRED
                    || reason == Verification.Reason.DISABLED || reason == Verification.Reason.POLICY;
            outcome = real ? "inactive" : "unknown";
        }
        if (metrics != null) metrics.reported(reporter.actor(), outcome);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token_hash", Sha256Digest.hexOfUtf8(token));
        out.put("token_type", type);
        out.put("label", real ? "true_positive" : "false_positive");
        return out;
    }

    private void tell(LeakReport report) {
        if (listener == null) return;
        try {
            listener.onLeak(report);
        } catch (RuntimeException e) {
            log.warn("pkauth: the leak listener failed for key {} (the key's state stands): {}", report.key().prefix(), e.toString());
        }
    }

    private static String limit(String s) {
        return s.length() > 400 ? s.substring(0, 400) : s;
    }

    private static List<Map<String, Object>> items(String text) {
        Object value;
        try {
            value = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the report is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(value instanceof List<?> list)) throw new IllegalArgumentException("a report is a JSON array of {\"token\",\"type\",\"url\",\"source\"}");
        if (list.size() > MAX_TOKENS) throw new IllegalArgumentException("a report holds at most " + MAX_TOKENS + " tokens");
        List<Map<String, Object>> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || !(m.get("token") instanceof String)) {
                throw new IllegalArgumentException("every item of a report is an object with a \"token\" string");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) m;
            out.add(typed);
        }
        return out;
    }

    private byte[] read(InputStream in, long declared) {
        try {
            return BoundedBody.read(in, declared, MAX_BODY_BYTES, clock.millis() + BODY_DEADLINE.toMillis(), clock);
        } catch (BoundedBody.Refused r) {
            throw new Refused(switch (r.refusal) {
                case TOO_LARGE -> tooLarge();
                case TOO_SLOW -> KeysEndpoint.Answer.error(408, "request_timeout", "the report took longer than "
                        + BODY_DEADLINE.toSeconds() + " seconds to arrive").with("Connection", "close");
                case UNREADABLE -> KeysEndpoint.Answer.error(400, "invalid_request", "the report could not be read");
            });
        }
    }

    private static KeysEndpoint.Answer tooLarge() {
        return KeysEndpoint.Answer.error(413, "invalid_request", "a report is at most " + MAX_BODY_BYTES + " bytes")
                .with("Connection", "close");
    }

    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient KeysEndpoint.Answer answer;

        Refused(KeysEndpoint.Answer answer) {
            super(null, null, false, false);
            this.answer = answer;
        }
    }
}
