/**
 * pkauth for Spring Boot and Spring Security: auto-configuration, {@link dev.pkauth.spring.PkauthConfigurer}
 * for the filter chain, and {@link dev.pkauth.spring.ApiKeyAuthentication}. An adapter over
 * {@link dev.pkauth.http.BearerAuthenticator}. Not yet {@code @NullMarked}: Spring's own
 * property-binding and configurer contracts are null-tolerant, and NullAway's findings here are
 * the next step.
 */
package dev.pkauth.spring;
