package dev.pausable.controlplane.job;

import java.time.OffsetDateTime;

/** One row of {@code training_metrics}: what one attempt recorded for one epoch. */
public record EpochMetric(int attempt, int epoch, Double trainLoss, Double valLoss, Double learningRate,
                          Long durationMs, Double samplesPerSecond, Long iterationCount,
                          OffsetDateTime recordedAt) {
}
