package dev.pausable.controlplane.launch;

import java.nio.file.Path;
import java.time.Duration;

/** Submit and Kill are published inside the transaction that decides, and acted on only after it commits. */
public final class LaunchEvents {

    private LaunchEvents() {
    }

    /** Submit after {@code delay} (a restart's backoff; zero for operators' requests). */
    public record Submit(LaunchRequest request, Duration delay) {

        public Submit(LaunchRequest request) {
            this(request, Duration.ZERO);
        }
    }

    public record Kill(Submission submission) {
    }

    /** A client-mode driver's process is gone, with its final state and its log (published at once). */
    public record Ended(String submissionId, String state, Path logFile) {
    }
}
