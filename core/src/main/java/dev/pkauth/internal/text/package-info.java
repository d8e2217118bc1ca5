/**
 * Strict text at the edges: the JSON reader and writer, and the validation of names, scopes, realms and table identifiers.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.text;

import org.jspecify.annotations.NullMarked;
