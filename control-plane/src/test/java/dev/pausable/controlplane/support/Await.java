package dev.pausable.controlplane.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits on a condition with a deadline; never a bare sleep for synchronization. */
public final class Await {

    private Await() {
    }

    public static <T> T until(String what, Duration deadline, Supplier<T> probe) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            T value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("Timed out after " + deadline + " waiting for " + what);
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what);
            }
        }
    }
}
