/**
 * SQLite and PostgreSQL: the pools, the dialects, schema migration, the key and account tables, and watching a table for changes.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.jdbc;

import org.jspecify.annotations.NullMarked;
