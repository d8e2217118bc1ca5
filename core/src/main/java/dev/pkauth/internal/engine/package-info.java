/**
 * The engine behind {@link dev.pkauth.ApiKeyStore}: one class per concern (verification,
 * metering, lifecycle and lineage, operations, audit, views), assembled by {@link
 * dev.pkauth.internal.engine.Engine}, the one composition root. Nothing here refers to the façade
 * or its builder: options arrive resolved, as a {@link dev.pkauth.internal.engine.StoreOptions}
 * snapshot.
 *
 * <p><b>Not a public API.</b> Anything under {@code dev.pkauth.internal} may change in any release;
 * other modules may not depend on it (an architecture test fails the build when they do).
 */
@NullMarked
package dev.pkauth.internal.engine;

import org.jspecify.annotations.NullMarked;
