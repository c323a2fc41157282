package dev.pausable.controlplane.launch;

/** Published inside the transaction that decides; acted on only after it commits. */
public final class LaunchEvents {

    private LaunchEvents() {
    }

    public record Submit(LaunchRequest request) {
    }

    public record Kill(Submission submission) {
    }
}
