package dev.pausable.controlplane.job;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The one owner of the job lifecycle's allowed transitions.
 *
 * <pre>
 * PENDING -> QUEUED -> RUNNING -> COMPLETED       (PENDING -> RUNNING when the driver is faster
 *                                                  than the launcher's acknowledgement)
 *                        |  \-> FAILED
 *                        |-> PAUSING -> PAUSED -> QUEUED (resume, attempt + 1)
 *                        |-> CANCELLING -> CANCELLED
 * PAUSED -> CANCELLED          QUEUED/PENDING -> CANCELLED
 * </pre>
 */
public enum JobStatus {
    PENDING, QUEUED, RUNNING, PAUSING, PAUSED, CANCELLING, CANCELLED, COMPLETED, FAILED;

    /** The statuses a job in this status may move to next. */
    public Set<JobStatus> next() {
        return switch (this) {
            // PENDING: accepted, not yet acknowledged by Spark. A fast driver may report RUNNING
            // before the launcher has recorded QUEUED.
            case PENDING -> EnumSet.of(QUEUED, RUNNING, CANCELLED, FAILED);
            // QUEUED: submitted; the trainer marks RUNNING once its driver starts.
            case QUEUED -> EnumSet.of(RUNNING, CANCELLED, FAILED);
            case RUNNING -> EnumSet.of(PAUSING, CANCELLING, COMPLETED, FAILED);
            // PAUSING ends when the trainer commits its checkpoint. A pause asked during the
            // last epoch may still complete; a cancel overrides a pending pause.
            case PAUSING -> EnumSet.of(PAUSED, COMPLETED, CANCELLING, FAILED);
            case PAUSED -> EnumSet.of(QUEUED, CANCELLED);
            case CANCELLING -> EnumSet.of(CANCELLED, FAILED);
            case CANCELLED, COMPLETED, FAILED -> EnumSet.noneOf(JobStatus.class);
        };
    }

    public boolean canTransitionTo(JobStatus target) {
        return next().contains(target);
    }

    public boolean isTerminal() {
        return next().isEmpty();
    }

    /** Lower-case name, as stored in the database and shown in JSON. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromWire(String value) {
        for (JobStatus status : values()) {
            if (status.wire().equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("Unknown job status '" + value + "'");
    }

    public static Set<JobStatus> terminal() {
        return EnumSet.of(CANCELLED, COMPLETED, FAILED);
    }
}
