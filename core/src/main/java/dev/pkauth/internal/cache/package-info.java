/**
 * The verification cache of key rows, and the group of caches of one table in a JVM that invalidate together.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.cache;

import org.jspecify.annotations.NullMarked;
