package dev.pausable.contract;

import static dev.pausable.contract.JobStatus.CANCELLED;
import static dev.pausable.contract.JobStatus.CANCELLING;
import static dev.pausable.contract.JobStatus.COMPLETED;
import static dev.pausable.contract.JobStatus.FAILED;
import static dev.pausable.contract.JobStatus.PAUSED;
import static dev.pausable.contract.JobStatus.PAUSING;
import static dev.pausable.contract.JobStatus.PENDING;
import static dev.pausable.contract.JobStatus.RUNNING;

/**
 * Every status the trainer writes, and from which statuses. Each is a {@link StatusChange}, so a
 * write the lifecycle does not allow fails when this class loads, in the trainer and in its tests.
 * The control plane writes PENDING, QUEUED, the intents, and the outcomes of drivers that died.
 */
public enum TrainerStatusWrite {
    /** The driver started: it takes the job for its attempt, unless the operator cancelled meanwhile. */
    CLAIM(StatusChange.to(RUNNING, JobStatus.CLAIMABLE)),
    /** The pause checkpoint is stored: PAUSED, with the checkpoint, in one transaction. */
    COMMIT_PAUSE(StatusChange.to(PAUSED, PAUSING)),
    /** The last epoch (or early stopping) with the final model; a pause asked during it loses the race. */
    COMPLETE_TRAINING(StatusChange.to(COMPLETED, RUNNING, PAUSING)),
    /** A synthetic dataset is written and registered. */
    COMPLETE_GENERATION(StatusChange.to(COMPLETED, RUNNING)),
    /** The operator's cancel, acknowledged at an epoch boundary. */
    ACKNOWLEDGE_CANCEL(StatusChange.to(CANCELLED, CANCELLING)),
    /** The driver failed; recorded as long as the attempt still waits on an outcome. */
    FAIL(StatusChange.to(FAILED, JobStatus.UNSETTLED)),
    /**
     * The driver was told to stop (SIGTERM: preemption, eviction, {@code spark-submit --kill}): it committed
     * a checkpoint at the round it was in and hands the job to the next attempt, PENDING with
     * {@code restart_reason} {@value #PREEMPTED}; the control plane submits it (not a restart of
     * {@code max_restarts}).
     */
    HAND_OVER(StatusChange.to(PENDING, RUNNING));

    /** The {@code restart_reason} of a job handed over by a preempted driver. */
    public static final String PREEMPTED = "preempted";

    private final StatusChange change;

    TrainerStatusWrite(StatusChange change) {
        this.change = change;
    }

    public StatusChange change() {
        return change;
    }
}
