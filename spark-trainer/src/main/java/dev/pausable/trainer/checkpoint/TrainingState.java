package dev.pausable.trainer.checkpoint;

/**
 * Everything besides weights, updater state and normalizer that an exact resume needs; stored as
 * {@code training-state.json} inside the checkpoint zip.
 *
 * @param lastCompletedEpoch  1-based; the resumed run continues in the next one
 * @param roundsCompleted     averaging rounds of the next epoch already trained (0 at an epoch boundary);
 *                            the resumed run continues at the round after them
 * @param iterationCount      DL4J's iteration counter (schedules by iteration and Adam's bias correction use it)
 * @param epochCount          DL4J's epoch counter (epoch-based learning-rate schedules use it)
 * @param learningRate        the learning rate reported for the epoch being trained (a resume within an
 *                            epoch reports the epoch's rate, not one read off the moved iteration count)
 * @param patienceCounter     epochs since the validation loss last improved (early stopping)
 * @param dataOrderSeed       the seed from which every epoch's data order is derived
 * @param configHash          SHA-256 of the job's stored config; a resume under another config is refused
 */
public record TrainingState(
        int formatVersion,
        String jobId,
        int attempt,
        int lastCompletedEpoch,
        int roundsCompleted,
        int iterationCount,
        int epochCount,
        Double bestValLoss,
        int bestEpoch,
        int patienceCounter,
        double learningRate,
        long dataOrderSeed,
        String configHash,
        String dl4jVersion) {

    /** Format 2 added {@code roundsCompleted}; format 1 (epoch boundaries only) reads as 0 rounds. */
    public static final int FORMAT_VERSION = 2;

    public static boolean readable(int formatVersion) {
        return formatVersion == 1 || formatVersion == FORMAT_VERSION;
    }

    /** Training within an epoch: the next epoch has started but not completed. */
    public boolean withinEpoch() {
        return roundsCompleted > 0;
    }
}
