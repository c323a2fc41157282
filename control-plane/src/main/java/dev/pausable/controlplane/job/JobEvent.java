package dev.pausable.controlplane.job;

import java.time.OffsetDateTime;

/** One audit entry: who changed the intent or status of a job, from what to what, and why. */
public record JobEvent(long id, String eventType, String fromValue, String toValue, String actor, String reason,
                       Integer epoch, Integer attempt, OffsetDateTime createdAt) {
}
