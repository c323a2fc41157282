package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kinds of audit-trail entry in {@code job_events.event_type}, written by the trigger on
 * {@code training_jobs}: the job was created, its intent ({@link DesiredState}) changed, or its
 * {@link JobStatus} changed.
 */
public enum AuditKind {
    CREATED, INTENT, STATUS;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }
}
