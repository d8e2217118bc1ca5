package dev.pkauth.servlet;

import dev.pkauth.Settings;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;

/** Where servlet deployments find settings: filter init-params, then {@code pkauth.*} context-params, then the environment. */
final class ServletSettings {
    static final String CONTEXT_PREFIX = "pkauth.";

    private ServletSettings() {}

    static Settings of(ServletContext context) {
        return Settings.from(name -> context.getInitParameter(CONTEXT_PREFIX + name)).orElse(Settings.fromEnvironment());
    }

    static Settings of(FilterConfig config) {
        return Settings.from(config::getInitParameter).orElse(of(config.getServletContext()));
    }
}
