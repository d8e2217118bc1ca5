/**
 * The HTTP side of pkauth without any web framework: parsing {@code Authorization} headers,
 * deciding an outcome, and building RFC 6750 challenges. The Servlet and JAX-RS filters are thin
 * adapters over {@link dev.pkauth.http.BearerAuthenticator}.
 */
package dev.pkauth.http;
