package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one owner of the job lifecycle's allowed transitions, for both processes.
 *
 * <pre>
 * PENDING -> QUEUED -> RUNNING -> COMPLETED       (PENDING -> RUNNING when the driver is faster
 *                                                  than the launcher's acknowledgement)
 *                        |  \-> FAILED -> QUEUED (resume from the latest checkpoint, attempt + 1)
 *                        |-> PAUSING -> PAUSED -> QUEUED (resume, attempt + 1)
 *                        |-> CANCELLING -> CANCELLED
 * PAUSED -> CANCELLED          QUEUED/PENDING -> CANCELLED
 * QUEUED/RUNNING/PAUSING -> PENDING   (restart: the attempt ended without an outcome; attempt + 1)
 * QUEUED -> PAUSED                    (a resume that could not be launched)
 * </pre>
 */
public enum JobStatus {
    PENDING, QUEUED, RUNNING, PAUSING, PAUSED, CANCELLING, CANCELLED, COMPLETED, FAILED;

    /** Waiting on a submission or a driver: the reconciler's work list. */
    public static final Set<JobStatus> UNSETTLED = frozen(PENDING, QUEUED, RUNNING, PAUSING, CANCELLING);
    /** A driver of the current attempt owns the job and proves it alive by heartbeats. */
    public static final Set<JobStatus> HEARTBEATING = frozen(RUNNING, PAUSING, CANCELLING);
    /** Submitted or accepted, not yet claimed by a driver: what a starting driver may claim. */
    public static final Set<JobStatus> CLAIMABLE = frozen(PENDING, QUEUED);
    /** Handed to Spark and still heading for an outcome: a cluster driver id may be recorded. */
    public static final Set<JobStatus> LAUNCHED = frozen(QUEUED, RUNNING, PAUSING);
    /** Finished: no driver, nothing to wait on, deletable. Only a resume leaves one (FAILED). */
    public static final Set<JobStatus> TERMINAL = frozen(CANCELLED, COMPLETED, FAILED);

    /** The statuses a job in this status may move to next. */
    public Set<JobStatus> next() {
        return switch (this) {
            // PENDING: accepted, not yet acknowledged by Spark. A fast driver may report RUNNING
            // before the launcher has recorded QUEUED.
            case PENDING -> EnumSet.of(QUEUED, RUNNING, CANCELLED, FAILED);
            // QUEUED: submitted; the trainer marks RUNNING once its driver starts. A resume that
            // cannot be launched goes back to PAUSED; a lost submission is restarted (PENDING).
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, FAILED, PENDING, PAUSED);
            // A driver that dies without an outcome is restarted as the next attempt (PENDING).
            case RUNNING -> EnumSet.of(PAUSING, CANCELLING, COMPLETED, FAILED, PENDING);
            // PAUSING ends when the trainer commits its checkpoint, or, if its driver dies, at the
            // latest verified checkpoint. A pause asked during the last epoch may still complete; a
            // cancel overrides a pending pause.
            case PAUSING -> EnumSet.of(PAUSED, COMPLETED, CANCELLING, FAILED, PENDING);
            case PAUSED -> EnumSet.of(QUEUED, CANCELLED);
            case CANCELLING -> EnumSet.of(CANCELLED, FAILED);
            // A failed job resumes from its latest verified checkpoint.
            case FAILED -> EnumSet.of(QUEUED);
            case CANCELLED, COMPLETED -> EnumSet.noneOf(JobStatus.class);
        };
    }

    public boolean canTransitionTo(JobStatus target) {
        return next().contains(target);
    }

    /** Finished (see {@link #TERMINAL}); FAILED is finished but can be resumed. */
    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** Lower-case name, as stored in the database and shown in JSON. */
    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static JobStatus fromWire(String value) {
        return Wire.parse(JobStatus.class, value, "job status");
    }

    public static Set<JobStatus> terminal() {
        return EnumSet.copyOf(TERMINAL);
    }

    private static Set<JobStatus> frozen(JobStatus first, JobStatus... rest) {
        return Collections.unmodifiableSet(EnumSet.of(first, rest));
    }
}
