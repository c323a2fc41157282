package dev.pausable.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or the deadline passes; the only way these tests wait. */
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
}
