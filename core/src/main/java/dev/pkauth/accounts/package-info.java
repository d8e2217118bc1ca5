/**
 * Linked accounts: which external identities (an OAuth provider's account, a password
 * credential) belong to which user, with the provider tokens needed to call the provider.
 * Column names and meanings follow better-auth's {@code account} table. Start at
 * {@link dev.pkauth.accounts.AccountStore}. {@link dev.pkauth.Beta}: this package may still change.
 */
@NullMarked
@dev.pkauth.Beta
package dev.pkauth.accounts;

import org.jspecify.annotations.NullMarked;
