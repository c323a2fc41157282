package dev.pausable.controlplane.job;

import dev.pausable.contract.SubmissionTag;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When a driver process is gone, its job must already show the outcome the trainer recorded
 * (completed, paused, cancelled, failed, or handed to the next attempt after a SIGTERM, which is
 * submitted now). A job still waiting on that attempt means the driver ended without recording
 * anything (killed, crashed, or stopped on a transient error): a lost attempt for {@link Recovery},
 * with the state and the log to read.
 */
@Component
class SubmissionEndings {

    private static final Logger log = LoggerFactory.getLogger(SubmissionEndings.class);

    private final Recovery recovery;
    private final JobRepository jobs;
    private final LaunchCoordinator launches;

    SubmissionEndings(Recovery recovery, JobRepository jobs, LaunchCoordinator launches) {
        this.recovery = recovery;
        this.jobs = jobs;
        this.launches = launches;
    }

    @EventListener
    void ended(LaunchEvents.Ended ended) {
        SubmissionTag.parse(ended.submissionId()).ifPresent(tag -> {
            if (!submitHandedOver(tag)) {
                recovery.attemptLost(tag.jobId(), tag.attempt(), "Spark application " + ended.submissionId()
                        + " ended (" + ended.state() + ") without recording an outcome; see " + ended.logFile(), true,
                        "launcher");
            }
        });
    }

    /** Submits the attempt the ended driver handed its job to, if it did; returns whether it did. */
    private boolean submitHandedOver(SubmissionTag ended) {
        return jobs.find(ended.jobId())
                .filter(job -> job.attempt() == ended.attempt() + 1 && job.handedOverByTrainer())
                .map(job -> {
                    log.info("Job {}: {} was preempted and handed the job over; submitting {}", job.id(), ended,
                            job.submissionId());
                    launches.submit(new LaunchEvents.Submit(LaunchRequest.fromLatestCheckpoint(job,
                            LaunchRequest.Reason.RESTART)));
                    return true;
                })
                .orElse(false);
    }
}
