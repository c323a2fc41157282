package dev.pausable.controlplane.job;

import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.TrainingJob;
import dev.pausable.controlplane.launch.JobLauncher;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchException;
import dev.pausable.controlplane.launch.LaunchRequest;
import dev.pausable.controlplane.launch.Submission;
import dev.pausable.controlplane.schedule.DaemonThreads;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs submissions after the deciding transaction commits (a restart after its backoff), on its own
 * threads, and records the outcome: a PENDING job becomes QUEUED; a resume that cannot be launched
 * returns the job to PAUSED with the reason; any other failed submission is a lost attempt for
 * {@link Recovery} (restarted, or FAILED with the reason); a submission that finds its job cancelled
 * meanwhile is killed.
 */
@Component
public class LaunchCoordinator implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LaunchCoordinator.class);
    private static final String ACTOR = "launcher";

    private final JobLauncher launcher;
    private final JobRepository jobs;
    private final TransactionTemplate tx;
    private final Recovery recovery;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, DaemonThreads.named("launch"));

    LaunchCoordinator(JobLauncher launcher, JobRepository jobs, TransactionTemplate tx, Recovery recovery) {
        this.launcher = launcher;
        this.jobs = jobs;
        this.tx = tx;
        this.recovery = recovery;
    }

    @TransactionalEventListener
    void onSubmit(LaunchEvents.Submit event) {
        submit(event);
    }

    /** Submits now or after the event's delay; in flight (see {@link #inFlight}) until handed to Spark. */
    public void submit(LaunchEvents.Submit event) {
        String tag = event.request().submissionId();
        if (!inFlight.add(tag)) {
            return;
        }
        executor.schedule(() -> {
            try {
                launch(event.request());
            } finally {
                inFlight.remove(tag);
            }
        }, event.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    @TransactionalEventListener
    void onKill(LaunchEvents.Kill event) {
        executor.execute(() -> kill(event.submission()));
    }

    /**
     * Whether this control plane has a submission with this tag committed (or waiting out its backoff)
     * but not yet handed to Spark.
     */
    public boolean inFlight(String submissionId) {
        return inFlight.contains(submissionId);
    }

    void launch(LaunchRequest request) {
        Submission submission;
        try {
            submission = launcher.submit(request);
        } catch (LaunchException | RuntimeException e) {
            String reason = "Launch failed: " + e.getMessage();
            log.warn("Job {} attempt {}: {}", request.jobId(), request.attempt(), reason, e);
            boolean recorded = request.reason() == LaunchRequest.Reason.RESUME
                    ? backToPaused(request, reason).isPresent()
                    : recovery.attemptLost(request.jobId(), request.attempt(), reason,
                            !(e instanceof LaunchException launch) || launch.retryable(), ACTOR).isPresent();
            if (!recorded) {
                log.info("Job {} attempt {} moved on before its launch failure was recorded", request.jobId(),
                        request.attempt());
            }
            return;
        }
        Optional<TrainingJob> queued = tx.execute(status -> {
            jobs.auditAs(ACTOR, "submitted as " + submission.tag()
                    + (submission.driverId() == null ? "" : " (driver " + submission.driverId() + ")"));
            return jobs.transition(request.jobId(), request.attempt(), JobStatus.QUEUED, JobStatus.PENDING)
                    .set("submission_id", submission.tag())
                    .set("spark_driver_id", submission.driverId())
                    .apply();
        });
        if (queued.isPresent()) {
            return;
        }
        // Resumed jobs are QUEUED already; anything else means the job moved on while we submitted.
        boolean stillOurs = jobs.recordDriver(request.jobId(), request.attempt(), submission.driverId());
        if (!stillOurs) {
            log.info("Job {} attempt {} was cancelled or replaced during submission; killing {}", request.jobId(),
                    request.attempt(), submission.tag());
            kill(submission);
        }
    }

    /** A resume that cannot be launched leaves the job PAUSED on the checkpoint it was to resume from. */
    private Optional<TrainingJob> backToPaused(LaunchRequest request, String reason) {
        CommittedCheckpoint checkpoint = request.checkpoint();
        return tx.execute(status -> {
            jobs.auditAs(ACTOR, reason + "; the job stays paused");
            return jobs.transition(request.jobId(), request.attempt(), JobStatus.PAUSED, JobStatus.QUEUED)
                    .set("desired_state", DesiredState.PAUSED.wire())
                    .set("error_message", reason)
                    .pauseCheckpoint(checkpoint)
                    .apply();
        });
    }

    private void kill(Submission submission) {
        try {
            launcher.kill(submission);
        } catch (RuntimeException e) {
            log.warn("Could not kill submission {}", submission.tag(), e);
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }
}
