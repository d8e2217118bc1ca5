/**
 * pkauth's API: {@link dev.pkauth.ApiKeyStore} (built by its {@link dev.pkauth.ApiKeyStoreBuilder},
 * configured by {@link dev.pkauth.Settings}) mints, verifies and manages keys; what it returns
 * ({@link dev.pkauth.Verification}, {@link dev.pkauth.ApiKey}, {@link dev.pkauth.ApiKeyPrincipal},
 * {@link dev.pkauth.Usage}…) are immutable values. Nothing here is {@code null} unless marked
 * {@code @Nullable}.
 */
@NullMarked
package dev.pkauth;

import org.jspecify.annotations.NullMarked;
