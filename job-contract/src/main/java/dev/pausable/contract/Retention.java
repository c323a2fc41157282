package dev.pausable.contract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which checkpoints a job keeps once a new one is committed: the new one (it is the latest), the last
 * {@code keepPeriodic} periodic ones, the newest best one (a best checkpoint is written only when the
 * validation loss improves, so the newest is the best), and the final model. A pause checkpoint is the
 * recovery point only until a newer checkpoint exists. Nothing is released before a newer checkpoint
 * is committed, and the latest is never released.
 */
public record Retention(int keepPeriodic, boolean keepBest) {

    /** How far into training a checkpoint is: its epoch, then its rounds of the next epoch. */
    private static final Comparator<Checkpoint> POSITION = Comparator.comparingInt(Checkpoint::epoch)
            .thenComparingInt(Checkpoint::round);
    private static final Comparator<Checkpoint> NEWEST_FIRST = POSITION.thenComparingLong(Checkpoint::id).reversed();

    public static Retention of(TrainingConfig config) {
        return new Retention(config.keepCheckpoints(), config.keepBest());
    }

    /** The live checkpoints (the committed one among them) to release now that {@code committed} exists. */
    public List<Checkpoint> superseded(List<Checkpoint> live, Checkpoint committed) {
        List<Checkpoint> release = new ArrayList<>();
        int periodic = 0;
        boolean bestSeen = false;
        for (Checkpoint checkpoint : live.stream().sorted(NEWEST_FIRST).toList()) {
            boolean keep = checkpoint.id() == committed.id() || switch (checkpoint.kind()) {
                case PAUSE -> false;
                case PERIODIC -> periodic < keepPeriodic;
                case BEST -> keepBest && !bestSeen;
                case FINAL -> true;
            };
            periodic += checkpoint.kind() == CheckpointKind.PERIODIC ? 1 : 0;
            bestSeen |= checkpoint.kind() == CheckpointKind.BEST;
            if (!keep && POSITION.compare(checkpoint, committed) <= 0) {
                release.add(checkpoint);
            }
        }
        return release;
    }
}
