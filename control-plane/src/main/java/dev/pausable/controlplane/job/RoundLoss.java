package dev.pausable.controlplane.job;

import java.time.OffsetDateTime;

/**
 * One sampled row of {@code round_losses}: the train loss after {@code round} of {@code rounds} averaging
 * rounds of {@code epoch} (the epoch being trained), as {@code attempt} recorded it.
 */
public record RoundLoss(int attempt, int epoch, int round, int rounds, Double trainLoss, OffsetDateTime recordedAt) {
}
