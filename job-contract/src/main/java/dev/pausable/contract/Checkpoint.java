package dev.pausable.contract;

import java.time.OffsetDateTime;

/**
 * One row of {@code checkpoints}: an object the trainer committed; {@code deletedAt} is set once the
 * object is gone.
 *
 * @param round   rounds of the next epoch it holds (0 at an epoch boundary)
 * @param writeMs how long the trainer took to encode, hash and upload it
 */
public record Checkpoint(long id, int epoch, int round, int attempt, String uri, String sha256, long sizeBytes,
                         CheckpointKind kind, OffsetDateTime createdAt, OffsetDateTime deletedAt, Long writeMs) {

    /** What a reader needs to verify the object. */
    public CommittedCheckpoint committed() {
        return new CommittedCheckpoint(uri, sha256, sizeBytes, epoch, round);
    }
}
