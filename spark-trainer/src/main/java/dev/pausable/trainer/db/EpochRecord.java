package dev.pausable.trainer.db;

/** What one epoch reports: progress on the job row plus one {@code training_metrics} row. */
public record EpochRecord(int epoch, double progressPercent, Double trainLoss, Double valLoss, Double learningRate,
                          Double bestValLoss, int bestEpoch, long durationMs, Double samplesPerSecond,
                          long iterationCount) {
}
