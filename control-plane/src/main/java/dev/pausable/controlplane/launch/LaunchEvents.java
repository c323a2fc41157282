package dev.pausable.controlplane.launch;

import java.nio.file.Path;

/** Submit and Kill are published inside the transaction that decides, and acted on only after it commits. */
public final class LaunchEvents {

    private LaunchEvents() {
    }

    public record Submit(LaunchRequest request) {
    }

    public record Kill(Submission submission) {
    }

    /** A client-mode driver's process is gone, with its final state and its log (published at once). */
    public record Ended(String submissionId, String state, Path logFile) {
    }
}
