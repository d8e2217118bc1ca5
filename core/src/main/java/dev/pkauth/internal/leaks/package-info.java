/** Leak reports: the scanners' published signing keys, fetched and cached. */
@NullMarked
package dev.pkauth.internal.leaks;

import org.jspecify.annotations.NullMarked;
