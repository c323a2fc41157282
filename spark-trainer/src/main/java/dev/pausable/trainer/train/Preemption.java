package dev.pausable.trainer.train;

/**
 * Whether the driver has been told to stop (SIGTERM from a preempted node, an eviction, {@code
 * spark-submit --kill}). The training loop asks after every round and every epoch; once true, it
 * finishes the round it is in, commits a checkpoint and hands the job to the next attempt.
 */
@FunctionalInterface
public interface Preemption {

    boolean requested();

    /** Never preempted: tests and callers that handle no signal. */
    static Preemption never() {
        return () -> false;
    }
}
