package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * One row of {@code training_jobs}, as both processes read it (see {@link Rows#job}), and its JSON
 * form in the API.
 *
 * @param config         the stored, normalized config ({@link TrainingConfig} or {@link SyntheticDataConfig}) as JSON
 * @param restartCount   automatic restarts so far (see {@code max_restarts})
 * @param restartReason  why the job was last restarted
 * @param latestCheckpointUri the latest verified checkpoint (kept by the database's triggers; shown as
 *                       {@code latest_checkpoint})
 * @param pauseCheckpointRound rounds of the next epoch the pause checkpoint holds (0 or null at an epoch boundary)
 * @param pauseAt        where the last requested pause takes effect
 * @param currentRound   rounds done in the epoch after {@code currentEpoch} (which stays the last completed one)
 * @param roundsPerEpoch rounds in an epoch, once the trainer has counted them
 * @param owner          the principal that created the job (null for jobs from before authentication)
 * @param priority       0–100: waiting jobs are admitted highest first (first come first served within one)
 * @param queuePosition  1 for the next job to be admitted while the job waits for a slot, else null
 */
public record TrainingJob(
        UUID id,
        String jobName,
        JobType jobType,
        JobStatus status,
        DesiredState desiredState,
        @JsonRawValue String config,
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
        String sparkDriverId,
        int restartCount,
        String restartReason,
        @JsonIgnore String latestCheckpointUri,
        @JsonIgnore String latestCheckpointSha256,
        @JsonIgnore Long latestCheckpointSize,
        @JsonIgnore Integer latestCheckpointEpoch,
        @JsonIgnore CheckpointKind latestCheckpointKind,
        Integer pauseCheckpointRound,
        @JsonIgnore Integer latestCheckpointRound,
        PauseAt pauseAt,
        int currentRound,
        Integer roundsPerEpoch,
        String owner,
        int priority,
        Integer queuePosition) {

    /** The committed pause checkpoint, by the one completeness rule of {@link CommittedCheckpoint#of}. */
    @JsonIgnore
    public Optional<CommittedCheckpoint> pauseCheckpoint() {
        return CommittedCheckpoint.of(pauseCheckpointPath, pauseCheckpointSha256, pauseCheckpointSize,
                pauseCheckpointEpoch, pauseCheckpointRound);
    }

    /** The latest verified checkpoint: the recovery point of restarts and resumes. */
    @JsonIgnore
    public Optional<CommittedCheckpoint> latestCheckpoint() {
        return CommittedCheckpoint.of(latestCheckpointUri, latestCheckpointSha256, latestCheckpointSize,
                latestCheckpointEpoch, latestCheckpointRound);
    }

    /** {@link #latestCheckpoint()} with its kind, as the API shows it ({@code latest_checkpoint}, or null). */
    @JsonProperty("latest_checkpoint")
    public LatestCheckpoint latestCheckpointShown() {
        return latestCheckpoint().map(c -> new LatestCheckpoint(c.uri(), c.sha256(), c.sizeBytes(), c.epoch(),
                c.round(), latestCheckpointKind)).orElse(null);
    }

    /** The operator actions offered now (see {@link JobAction}); clients show exactly these. */
    @JsonProperty("actions")
    public Set<JobAction> actions() {
        return JobAction.offered(jobType, status, latestCheckpoint().isPresent());
    }

    public record LatestCheckpoint(String uri, String sha256, long sizeBytes, int epoch, int round,
                                   CheckpointKind kind) {
    }

    /**
     * A preempted driver handed the job to this attempt (see {@link TrainerStatusWrite#HAND_OVER}): it waits
     * for the control plane to submit it, which it may do at once.
     */
    @JsonIgnore
    public boolean handedOverByTrainer() {
        return status == JobStatus.PENDING && TrainerStatusWrite.PREEMPTED.equals(restartReason);
    }

    /** This attempt's submission tag. */
    @JsonIgnore
    public SubmissionTag tag() {
        return new SubmissionTag(id, attempt);
    }
}
