/**
 * The HTTP side of pkauth without any web framework: parsing {@code Authorization} headers,
 * deciding an outcome, and building RFC 6750 challenges. The Servlet and JAX-RS filters are thin
 * adapters over {@link dev.pkauth.http.BearerAuthenticator}.
 */
@NullMarked
package dev.pkauth.http;

import org.jspecify.annotations.NullMarked;
