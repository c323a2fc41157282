package dev.pausable.controlplane.job;

import dev.pausable.contract.SubmissionTag;
import dev.pausable.controlplane.launch.LaunchEvents;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When a driver process is gone, its job must already show the outcome the trainer recorded
 * (completed, paused, cancelled, failed). A job still waiting on that attempt means the driver ended
 * without recording anything (killed, crashed, or stopped on a transient error): a lost attempt for
 * {@link Recovery}, with the state and the log to read.
 */
@Component
class SubmissionEndings {

    private final Recovery recovery;

    SubmissionEndings(Recovery recovery) {
        this.recovery = recovery;
    }

    @EventListener
    void ended(LaunchEvents.Ended ended) {
        SubmissionTag.parse(ended.submissionId()).ifPresent(tag -> recovery.attemptLost(tag.jobId(), tag.attempt(),
                "Spark application " + ended.submissionId() + " ended (" + ended.state()
                        + ") without recording an outcome; see " + ended.logFile(), true, "launcher"));
    }
}
