/**
 * The key format and its cryptography: minting and parsing tokens, the peppered HMAC of secrets and its fingerprints, the encryption of linked accounts' provider tokens.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.token;

import org.jspecify.annotations.NullMarked;
