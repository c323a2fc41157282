package dev.pausable.controlplane.launch;

import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.JobType;
import dev.pausable.contract.SubmissionTag;
import dev.pausable.contract.TrainerCommand;
import java.util.Map;
import java.util.UUID;

/**
 * One attempt of one job to submit.
 *
 * @param submissionId the unique tag of this submission, see {@link SubmissionTag}
 * @param checkpoint   the committed checkpoint to resume from; null for a first run
 * @param sparkConf    the job's own Spark settings, already checked against the denylist
 */
public record LaunchRequest(UUID jobId, int attempt, String submissionId, JobType jobType,
                            CommittedCheckpoint checkpoint, Map<String, String> sparkConf) {

    public LaunchRequest {
        sparkConf = sparkConf == null ? Map.of() : Map.copyOf(sparkConf);
    }

    /** The trainer's command line for this attempt. */
    public TrainerCommand command() {
        return new TrainerCommand(jobId, attempt, checkpoint == null ? null : checkpoint.uri());
    }
}
