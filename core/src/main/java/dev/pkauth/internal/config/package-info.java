/**
 * The rules every builder follows (set-once options, checked numbers and durations, shared defaults) and duration parsing.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.config;

import org.jspecify.annotations.NullMarked;
