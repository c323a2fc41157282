package dev.pausable.controlplane.launch;

import dev.pausable.controlplane.job.JobType;
import java.util.Map;
import java.util.UUID;

/**
 * One attempt of one job to submit.
 *
 * @param submissionId the unique tag of this submission, see {@link SubmissionTag}
 * @param checkpoint   the committed pause checkpoint to resume from; null for a first run
 * @param sparkConf    the job's own Spark settings, already checked against the denylist
 */
public record LaunchRequest(UUID jobId, int attempt, String submissionId, JobType jobType,
                            PauseCheckpoint checkpoint, Map<String, String> sparkConf) {

    public LaunchRequest {
        sparkConf = sparkConf == null ? Map.of() : Map.copyOf(sparkConf);
    }

    /** A checkpoint as committed in PostgreSQL; the trainer verifies size and SHA-256 before loading it. */
    public record PauseCheckpoint(String uri, String sha256, long sizeBytes, int epoch) {
    }
}
