package dev.pausable.trainer.checkpoint;

/**
 * Everything besides weights, updater state and normalizer that an exact resume needs; stored as
 * {@code training-state.json} inside the checkpoint zip.
 *
 * @param lastCompletedEpoch  1-based; the resumed run continues at the next one
 * @param iterationCount      DL4J's iteration counter (schedules by iteration and Adam's bias correction use it)
 * @param epochCount          DL4J's epoch counter (epoch-based learning-rate schedules use it)
 * @param patienceCounter     epochs since the validation loss last improved (early stopping)
 * @param dataOrderSeed       the seed from which every epoch's data order is derived
 * @param configHash          SHA-256 of the job's stored config; a resume under another config is refused
 */
public record TrainingState(
        int formatVersion,
        String jobId,
        int attempt,
        int lastCompletedEpoch,
        int iterationCount,
        int epochCount,
        Double bestValLoss,
        int bestEpoch,
        int patienceCounter,
        double learningRate,
        long dataOrderSeed,
        String configHash,
        String dl4jVersion) {

    public static final int FORMAT_VERSION = 1;
}
