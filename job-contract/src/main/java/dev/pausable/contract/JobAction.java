package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Set;

/**
 * The operator actions on a job, and which of them are offered in a given state (the seed's UI
 * rules: pause only running training jobs, resume paused ones, no cancel for paused jobs, delete only
 * finished ones; and resume a failed training job that has a checkpoint). Each job's JSON carries its
 * offered actions, so no client repeats these rules. The API itself also accepts a cancel of a
 * paused job.
 */
public enum JobAction {
    PAUSE, RESUME, CANCEL, DELETE;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    /** {@code hasCheckpoint}: the job has a verified checkpoint to resume from. */
    public boolean offeredFor(JobType type, JobStatus status, boolean hasCheckpoint) {
        return switch (this) {
            case PAUSE -> type == JobType.TRAINING && status == JobStatus.RUNNING;
            case RESUME -> status == JobStatus.PAUSED
                    || status == JobStatus.FAILED && type == JobType.TRAINING && hasCheckpoint;
            case CANCEL -> status == JobStatus.PENDING || status == JobStatus.QUEUED || status == JobStatus.RUNNING
                    || status == JobStatus.PAUSING;
            case DELETE -> status.isTerminal();
        };
    }

    public static Set<JobAction> offered(JobType type, JobStatus status, boolean hasCheckpoint) {
        Set<JobAction> offered = EnumSet.noneOf(JobAction.class);
        for (JobAction action : values()) {
            if (action.offeredFor(type, status, hasCheckpoint)) {
                offered.add(action);
            }
        }
        return offered;
    }
}
