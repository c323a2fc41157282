package dev.pausable.controlplane.job;

import java.util.UUID;

/** Published in the transaction that makes a job wait for a slot (create, resume); acted on after commit. */
public record JobWaiting(UUID jobId) {
}
