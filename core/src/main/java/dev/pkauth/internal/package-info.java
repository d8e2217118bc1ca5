/**
 * pkauth's engine: token codec, hashing, backends and the touch writer.
 *
 * <p><b>Not a public API.</b> Anything in this package may change in any release; depend on
 * {@link dev.pkauth.ApiKeyStore} and the types it returns instead.
 */
package dev.pkauth.internal;
