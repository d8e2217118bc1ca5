/** pkauth for jaxrs: an adapter over {@link dev.pkauth.http.BearerAuthenticator}; nothing here is {@code null} unless marked {@code @Nullable}. */
@NullMarked
package dev.pkauth.jaxrs;

import org.jspecify.annotations.NullMarked;
