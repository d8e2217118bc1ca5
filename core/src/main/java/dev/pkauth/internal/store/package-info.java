/**
 * The key table as the store sees it, whatever the backend: rows, the repository interface and its in-memory form, audit records, usage windows and the writer of last-use times.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.store;

import org.jspecify.annotations.NullMarked;
