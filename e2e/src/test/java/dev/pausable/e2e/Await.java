package dev.pausable.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * Polls a condition until it holds or the deadline passes (or checks one throughout a fault's
 * duration); the only way these tests wait.
 */
final class Await {

    private static final long POLL_MILLIS = 200;

    private Await() {
    }

    static void until(String what, Duration deadline, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + deadline + " waiting for " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Checks {@code invariant} (which throws when it is broken) every poll until {@code end}. */
    static void throughout(Instant end, Callable<?> invariant) throws Exception {
        do {
            invariant.call();
            Thread.sleep(POLL_MILLIS);
        } while (Instant.now().isBefore(end));
    }
}
