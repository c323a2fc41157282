package dev.pausable.trainer.db;

import java.util.List;
import java.util.UUID;

/**
 * What the trainer reads of its job at start: the row of {@code training_jobs} (config as JSON) and,
 * for training jobs, the dataset it trains on.
 */
public record JobRow(
        UUID id,
        String jobName,
        String jobType,
        String status,
        String desiredState,
        int attempt,
        String configJson,
        int totalEpochs,
        String submissionId,
        CommittedCheckpoint pauseCheckpoint,
        DatasetRow dataset) {

    /** The pause checkpoint as committed (URI, size, SHA-256, epoch); null when none is committed. */
    public record CommittedCheckpoint(String uri, String sha256, long sizeBytes, int epoch) {
    }

    public record DatasetRow(UUID id, String uri, List<String> featureColumns, List<String> labelColumns,
                             String task) {
    }
}
