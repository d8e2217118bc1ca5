/**
 * What the store counts and times, and its Micrometer binding (optional at run time).
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.metrics;

import org.jspecify.annotations.NullMarked;
