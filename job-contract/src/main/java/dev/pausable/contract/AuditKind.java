package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kinds of audit-trail entry in {@code job_events.event_type}: written by the trigger on
 * {@code training_jobs}, the job was created, its intent ({@link DesiredState}) changed, or its
 * {@link JobStatus} changed; written by the trainer, a problem the job went on with (a checkpoint that
 * could not be written, an attempt that ended with a failure a retry may fix).
 */
public enum AuditKind {
    CREATED, INTENT, STATUS, PROBLEM;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }
}
