/**
 * Linked accounts as the account store sees them: rows, the repository interface and its in-memory form.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.accounts;

import org.jspecify.annotations.NullMarked;
