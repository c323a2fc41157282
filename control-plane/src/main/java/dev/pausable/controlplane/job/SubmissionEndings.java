package dev.pausable.controlplane.job;

import dev.pausable.controlplane.launch.LaunchEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When a driver process is gone, its job must already show the outcome the trainer recorded
 * (completed, paused, cancelled, failed). A job still waiting on that submission means the driver
 * died without recording anything: it becomes FAILED with the state and the log to read.
 */
@Component
class SubmissionEndings {

    private static final Logger log = LoggerFactory.getLogger(SubmissionEndings.class);

    private final JobRepository jobs;

    SubmissionEndings(JobRepository jobs) {
        this.jobs = jobs;
    }

    @EventListener
    void ended(LaunchEvents.Ended ended) {
        String reason = "Spark application " + ended.submissionId() + " ended (" + ended.state()
                + ") without recording an outcome; see " + ended.logFile();
        if (jobs.failUnfinishedSubmission(ended.submissionId(), reason)) {
            log.warn(reason);
        }
    }
}
