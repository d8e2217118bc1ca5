/** pkauth for servlet: an adapter over {@link dev.pkauth.http.BearerAuthenticator}; nothing here is {@code null} unless marked {@code @Nullable}. */
@NullMarked
package dev.pkauth.servlet;

import org.jspecify.annotations.NullMarked;
