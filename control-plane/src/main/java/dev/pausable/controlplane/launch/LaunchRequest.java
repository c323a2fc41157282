package dev.pausable.controlplane.launch;

import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.JobType;
import dev.pausable.contract.SubmissionTag;
import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainingJob;
import java.util.Map;
import java.util.UUID;

/**
 * One attempt of one job to submit.
 *
 * @param submissionId the unique tag of this submission, see {@link SubmissionTag}
 * @param checkpoint   the committed checkpoint to resume from; null for a first run
 * @param sparkConf    the job's own Spark settings, already checked against the denylist
 * @param reason       why this attempt is submitted: what a failed launch leads to depends on it
 */
public record LaunchRequest(UUID jobId, int attempt, String submissionId, JobType jobType,
                            CommittedCheckpoint checkpoint, Map<String, String> sparkConf, Reason reason) {

    public LaunchRequest {
        sparkConf = sparkConf == null ? Map.of() : Map.copyOf(sparkConf);
    }

    /** A first run or a run an operator did not ask for again (the launcher retries it). */
    public LaunchRequest(UUID jobId, int attempt, String submissionId, JobType jobType,
                         CommittedCheckpoint checkpoint, Map<String, String> sparkConf) {
        this(jobId, attempt, submissionId, jobType, checkpoint, sparkConf, Reason.START);
    }

    /** The job's current attempt, from its latest verified checkpoint (or from the start without one). */
    public static LaunchRequest fromLatestCheckpoint(TrainingJob job, Reason reason) {
        return new LaunchRequest(job.id(), job.attempt(), job.submissionId(), job.jobType(),
                job.latestCheckpoint().orElse(null), job.sparkConf(), reason);
    }

    /**
     * START: the job's first attempt; RESUME: an operator's resume (a launch failure returns the job to
     * PAUSED); RESTART: the control plane's restart after an attempt ended without an outcome.
     */
    public enum Reason {
        START, RESUME, RESTART
    }

    /** The trainer's command line for this attempt. */
    public TrainerCommand command() {
        return new TrainerCommand(jobId, attempt, checkpoint == null ? null : checkpoint.uri());
    }
}
