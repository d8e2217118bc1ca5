package dev.pkauth.spring;

import org.jspecify.annotations.Nullable;
import dev.pkauth.http.Deployment;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Turns a pkauth start failure into its one-line cause and fix, instead of six nested bean
 * creation exceptions. Ahead of Spring's own analyzers: Spring's report of an unbound property
 * prints its value, and a misspelled {@code pkauth.peper} holds the pepper.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
final class PkauthFailureAnalyzer implements FailureAnalyzer {
    PkauthFailureAnalyzer() {}

    @Override
    public @Nullable FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnboundConfigurationPropertiesException unbound) {
                FailureAnalysis analysis = unknownProperty(unbound, failure);
                if (analysis != null) return analysis;
            }
        }
        Throwable ours = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if ((t instanceof IllegalStateException || t instanceof IllegalArgumentException) && thrownByPkauth(t)) ours = t;
        }
        if (ours == null) return null;
        return new FailureAnalysis("pkauth could not start: " + ours.getMessage(),
                "Fix the pkauth.* property (or PKAUTH_* variable) named above and start again.", ours);
    }

    private static @Nullable FailureAnalysis unknownProperty(UnboundConfigurationPropertiesException unbound, Throwable failure) {
        List<String> names = new ArrayList<>();
        for (ConfigurationProperty p : unbound.getUnboundProperties()) {
            String name = p.getName().toString();
            if (name.startsWith("pkauth.")) names.add(name.substring("pkauth.".length()));
        }
        if (names.isEmpty()) return null;
        try {
            Deployment.requireKnownNames("pkauth", "property pkauth.…", names, PkauthProperties.NAMES);
            return null;
        } catch (IllegalStateException e) {
            // The unknown names only, never their values (one of them may be a misspelled pepper).
            return new FailureAnalysis("pkauth could not start: " + e.getMessage(),
                    "Correct or remove the property; pkauth refuses names it does not read rather than ignore a setting.",
                    failure);
        }
    }

    private static boolean thrownByPkauth(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("dev.pkauth.");
    }
}
