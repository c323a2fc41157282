package dev.pausable.controlplane.job;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** One row of {@code training_jobs}, and its JSON form in the API. */
public record TrainingJob(
        UUID id,
        String jobName,
        JobType jobType,
        JobStatus status,
        DesiredState desiredState,
        JsonNode config,
        UUID datasetId,
        int totalEpochs,
        int currentEpoch,
        double progressPercent,
        Double trainLoss,
        Double valLoss,
        Double learningRate,
        Double bestValLoss,
        Integer bestEpoch,
        int attempt,
        String submissionId,
        String sparkAppId,
        String pauseCheckpointPath,
        String pauseCheckpointSha256,
        Long pauseCheckpointSize,
        Integer pauseCheckpointEpoch,
        String errorMessage,
        OffsetDateTime heartbeatAt,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime updatedAt,
        OffsetDateTime completedAt,
        Map<String, String> sparkConf,
        String sparkDriverId) {

    /** A pause checkpoint counts only once its URI, checksum and size are all committed. */
    public boolean hasCommittedPauseCheckpoint() {
        return pauseCheckpointPath != null && !pauseCheckpointPath.isBlank()
                && pauseCheckpointSha256 != null && pauseCheckpointSize != null;
    }
}
