package dev.pausable.contract;

import java.util.Optional;

/**
 * A checkpoint as PostgreSQL committed it: what a reader needs to find and verify the object before
 * loading it. The trainer verifies size and SHA-256 before it restores anything.
 *
 * @param epoch the last completed epoch the checkpoint holds
 */
public record CommittedCheckpoint(String uri, String sha256, long sizeBytes, int epoch) {

    /**
     * The one completeness rule, for the job row's {@code pause_checkpoint_*} columns: a checkpoint
     * counts only once its URI, checksum, size and epoch are all committed.
     */
    public static Optional<CommittedCheckpoint> of(String uri, String sha256, Long sizeBytes, Integer epoch) {
        if (uri == null || uri.isBlank() || sha256 == null || sizeBytes == null || epoch == null) {
            return Optional.empty();
        }
        return Optional.of(new CommittedCheckpoint(uri, sha256, sizeBytes, epoch));
    }
}
