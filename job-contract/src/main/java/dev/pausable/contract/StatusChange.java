package dev.pausable.contract;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * One conditional status change: from any of {@code from} to {@code to}. It cannot be built for a
 * transition {@link JobStatus} does not allow, so every status write made through it, in either
 * process, is a transition of the lifecycle.
 */
public record StatusChange(Set<JobStatus> from, JobStatus to) {

    public StatusChange {
        if (from.isEmpty()) {
            throw new IllegalArgumentException("A status change needs at least one source status");
        }
        for (JobStatus source : from) {
            if (!source.canTransitionTo(to)) {
                throw new IllegalArgumentException("Transition " + source + " -> " + to + " is not allowed");
            }
        }
        from = Collections.unmodifiableSet(EnumSet.copyOf(from));
    }

    public static StatusChange to(JobStatus to, JobStatus first, JobStatus... rest) {
        return new StatusChange(EnumSet.of(first, rest), to);
    }

    public static StatusChange to(JobStatus to, Set<JobStatus> from) {
        return new StatusChange(from, to);
    }

    /** {@code status = 'to'}, for the SET list of an UPDATE. */
    public String assignment() {
        return "status = '" + to.wire() + "'";
    }

    /** {@code status IN ('a', 'b')}, for the WHERE clause of an UPDATE. */
    public String condition() {
        return "status IN (" + Wire.sqlList(from) + ")";
    }
}
