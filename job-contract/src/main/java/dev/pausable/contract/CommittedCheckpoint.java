package dev.pausable.contract;

import java.util.Optional;

/**
 * A checkpoint as PostgreSQL committed it: what a reader needs to find and verify the object before
 * loading it. The trainer verifies size and SHA-256 before it restores anything.
 *
 * @param epoch the last completed epoch the checkpoint holds
 * @param round rounds of the next epoch the checkpoint holds (0 at an epoch boundary)
 */
public record CommittedCheckpoint(String uri, String sha256, long sizeBytes, int epoch, int round) {

    /** A checkpoint taken at an epoch boundary. */
    public CommittedCheckpoint(String uri, String sha256, long sizeBytes, int epoch) {
        this(uri, sha256, sizeBytes, epoch, 0);
    }

    /** Where training stands in it, as messages say: "epoch 2", or "epoch 2, round 120" within the next epoch. */
    public String position() {
        return position(epoch, round);
    }

    /** {@link #position()} of a point in training: {@code round} rounds into the epoch after {@code epoch}. */
    public static String position(int epoch, int round) {
        return round == 0 ? "epoch " + epoch : "epoch " + epoch + ", round " + round;
    }

    /** How audit entries place a boundary: "after epoch 2", or "at epoch 2, round 120". */
    public static String boundary(int epoch, int round) {
        return (round == 0 ? "after " : "at ") + position(epoch, round);
    }

    /**
     * The one completeness rule, for the job row's {@code pause_checkpoint_*} columns: a checkpoint
     * counts only once its URI, checksum, size and epoch are all committed.
     */
    public static Optional<CommittedCheckpoint> of(String uri, String sha256, Long sizeBytes, Integer epoch,
                                                   Integer round) {
        if (uri == null || uri.isBlank() || sha256 == null || sizeBytes == null || epoch == null) {
            return Optional.empty();
        }
        return Optional.of(new CommittedCheckpoint(uri, sha256, sizeBytes, epoch, round == null ? 0 : round));
    }
}
