/**
 * pkauth for Spring Boot and Spring Security: auto-configuration, {@link dev.pkauth.spring.PkauthConfigurer}
 * for the filter chain, and {@link dev.pkauth.spring.ApiKeyAuthentication}. An adapter over
 * {@link dev.pkauth.http.BearerAuthenticator}; nothing here is {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package dev.pkauth.spring;

import org.jspecify.annotations.NullMarked;
