package dev.pkauth.http;

import org.jspecify.annotations.Nullable;
import dev.pkauth.ApiKeyStore;
import dev.pkauth.Settings;
import java.util.Objects;
import dev.pkauth.internal.text.Validation;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * What every integration shares about where it runs: the names it publishes the store and the
 * principal under, its default realm and scheme, and one order for finding its realm and store.
 *
 * <p>The order, the same for the Servlet filter, the JAX-RS filter and Spring: what the
 * integration was given in code or in its own configuration (init-params, application
 * properties, Spring properties); then the container's shared store ({@value #STORE_ATTRIBUTE});
 * then the {@code PKAUTH_*} environment ({@link #realm}, {@link #storeFromSettings}).
 */
public final class Deployment {
    private Deployment() {}

    /** The realm of challenges when none is configured ({@code api}), as the option table declares it. */
    public static final String DEFAULT_REALM = Objects.requireNonNull(Settings.option(Settings.REALM).defaultValue());
    /** The authentication scheme: what {@code getAuthType()} answers and challenges name. */
    public static final String SCHEME = "Bearer";
    /** ServletContext attribute and JAX-RS application property holding a shared {@link ApiKeyStore}. */
    public static final String STORE_ATTRIBUTE = "dev.pkauth.store";
    /** Request attribute (and JAX-RS request property) holding the request's {@link dev.pkauth.ApiKeyPrincipal}. */
    public static final String PRINCIPAL_ATTRIBUTE = "dev.pkauth.principal";
    /** JAX-RS application property naming the realm. */
    public static final String REALM_ATTRIBUTE = "dev.pkauth.realm";

    /**
     * The realm: {@code configured} when the integration's own configuration names one, else the
     * settings' {@code realm} ({@code PKAUTH_REALM}), else {@link #DEFAULT_REALM}.
     *
     * @param configured the integration's own setting, or {@code null}
     * @param settings the settings below it (usually the environment)
     * @return the realm, not yet validated ({@link BearerAuthenticator} checks it)
     */
    public static String realm(@Nullable Object configured, Settings settings) {
        if (configured != null && !configured.toString().isBlank()) return configured.toString();
        return settings.get(Settings.REALM, DEFAULT_REALM);
    }

    /**
     * The last place a store is looked for: a store of its own built from the settings'
     * {@code jdbc-url} ({@code PKAUTH_JDBC_URL}), which the caller owns and closes.
     *
     * @param settings the settings (usually the environment)
     * @return the store, or empty when the settings name no database
     */
    public static Optional<ApiKeyStore> storeFromSettings(Settings settings) {
        if (settings.get(Settings.JDBC_URL) == null) return Optional.empty();
        return Optional.of(ApiKeyStore.builder().settings(settings).build());
    }

    /**
     * Refuses configuration names an integration does not know, so that a misspelling
     * ({@code required-scope}) stops the deployment instead of silently dropping a check.
     *
     * @param owner what is being configured, for the message ({@code ApiKeyFilter whoami})
     * @param kind what the names are ({@code init-param})
     * @param given the names the configuration holds
     * @param known every name the integration reads
     * @throws IllegalStateException naming the first unknown name and the nearest known one
     */
    public static void requireKnownNames(String owner, String kind, Collection<String> given, Collection<String> known) {
        for (String name : given) {
            if (known.contains(name)) continue;
            String nearest = nearest(name, known);
            throw new IllegalStateException(owner + ": unknown " + kind + " " + Validation.printable(name)
                    + (nearest == null ? "" : " (did you mean " + nearest + "?)") + "; known: " + String.join(", ", known));
        }
    }

    /**
     * The known name closest to {@code name} by edit distance, when it is close enough to be a typo.
     * Hand-written (a dozen lines) rather than a text library dependency in core for one function.
     */
    static @Nullable String nearest(String name, Collection<String> known) {
        String lower = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(lower, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, lower.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        if (a.length() > 64 || b.length() > 64) return Integer.MAX_VALUE;
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
