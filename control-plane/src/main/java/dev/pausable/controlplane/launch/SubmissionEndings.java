package dev.pausable.controlplane.launch;

import dev.pausable.controlplane.job.JobRepository;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    void ended(String submissionId, String state, Path logFile) {
        String reason = "Spark application " + submissionId + " ended (" + state
                + ") without recording an outcome; see " + logFile;
        if (jobs.failUnfinishedSubmission(submissionId, reason)) {
            log.warn(reason);
        }
    }
}
