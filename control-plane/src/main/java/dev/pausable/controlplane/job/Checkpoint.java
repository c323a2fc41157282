package dev.pausable.controlplane.job;

import java.time.OffsetDateTime;

/** A checkpoint object the trainer committed; {@code deletedAt} is set once the object is gone. */
public record Checkpoint(long id, int epoch, int attempt, String uri, String sha256, long sizeBytes, String kind,
                         OffsetDateTime createdAt, OffsetDateTime deletedAt, Long writeMs) {
}
