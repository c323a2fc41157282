package dev.pausable.trainer;

import dev.pausable.trainer.train.Preemption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM taken before the JVM starts shutting down. The JVM's own reaction to SIGTERM runs the
 * shutdown hooks, and Spark's hook stops the SparkContext at once, so a shutdown hook of ours would
 * find Spark gone and the round's work lost. The first SIGTERM only sets {@link #requested()}: the
 * training loop finishes its round, commits a checkpoint, hands the job over and exits by itself
 * (within the grace the deployment gives: Kubernetes' terminationGracePeriodSeconds, YARN's
 * sleep-delay-before-sigkill, standalone's 10 s before SIGKILL). A second SIGTERM means "now": the
 * previous handler (the JVM's exit) runs.
 */
final class TerminationSignal implements Preemption, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TerminationSignal.class);
    private static final Signal TERM = new Signal("TERM");

    private final SignalHandler previous;
    private volatile long requestedAt;

    private TerminationSignal() {
        previous = Signal.handle(TERM, this::onTerm);
    }

    /** Takes SIGTERM for this driver until {@link #close()}. */
    static TerminationSignal take() {
        return new TerminationSignal();
    }

    private void onTerm(Signal signal) {
        if (requestedAt == 0) {
            requestedAt = System.nanoTime();
            log.warn("SIGTERM: finishing the current round, then a checkpoint and a hand-over to the next attempt"
                    + " (a second SIGTERM exits at once)");
            return;
        }
        log.warn("Second SIGTERM: exiting without a checkpoint");
        previous.handle(signal);
    }

    @Override
    public boolean requested() {
        return requestedAt != 0;
    }

    @Override
    public void close() {
        Signal.handle(TERM, previous);
    }
}
