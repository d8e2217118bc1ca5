package dev.pkauth.servlet;

import dev.pkauth.Settings;
import dev.pkauth.http.Deployment;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where servlet deployments find settings: filter init-params, then {@code pkauth.*} context-params,
 * then the environment. A name pkauth does not read is refused, never ignored: a misspelled
 * {@code required-scope} would otherwise drop the scope check without a word.
 */
final class ServletSettings {
    static final String CONTEXT_PREFIX = "pkauth.";

    private ServletSettings() {}

    static Settings of(ServletContext context) {
        List<String> ours = new ArrayList<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith(CONTEXT_PREFIX)) ours.add(name.substring(CONTEXT_PREFIX.length()));
        }
        Deployment.requireKnownNames("pkauth context-params", "context-param " + CONTEXT_PREFIX + "…", ours,
                Settings.names());
        return Settings.from(name -> context.getInitParameter(CONTEXT_PREFIX + name)).orElse(Settings.fromEnvironment());
    }

    /**
     * The filter's settings, after refusing any init-param outside {@code filterParams} and the settings' names.
     */
    static Settings of(FilterConfig config, List<String> filterParams) {
        List<String> known = new ArrayList<>(Settings.names());
        known.addAll(filterParams);
        Deployment.requireKnownNames("ApiKeyFilter " + config.getFilterName(), "init-param",
                Collections.list(config.getInitParameterNames()), known);
        return Settings.from(config::getInitParameter).orElse(of(config.getServletContext()));
    }
}
