package dev.pkauth.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waiting for a condition that nothing announces (another process's revocation reaching a cache,
 * a listener reconnecting, a log line being written): checked every few milliseconds until it
 * holds, and a test failure naming it when the deadline passes. Never a guess at how long.
 */
public final class Await {
    private Await() {}

    /** Returns the milliseconds it took; fails the test with {@code what} after {@code timeout}. */
    public static long until(String what, Duration timeout, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout + ": " + what);
            LockSupport.parkNanos(5_000_000);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
