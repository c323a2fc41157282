package dev.pausable.controlplane.job;

import dev.pausable.contract.JobStatus;
import dev.pausable.contract.TrainingJob;
import dev.pausable.controlplane.launch.JobLauncher;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchException;
import dev.pausable.controlplane.launch.LaunchRequest;
import dev.pausable.controlplane.launch.Submission;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs submissions after the deciding transaction commits, on its own threads, and records the
 * outcome: a PENDING job becomes QUEUED; a failed submission makes the attempt FAILED with the
 * reason; a submission that finds its job cancelled meanwhile is killed.
 */
@Component
public class LaunchCoordinator implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LaunchCoordinator.class);
    private static final String ACTOR = "launcher";

    private final JobLauncher launcher;
    private final JobRepository jobs;
    private final TransactionTemplate tx;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "launch");
        thread.setDaemon(true);
        return thread;
    });

    LaunchCoordinator(JobLauncher launcher, JobRepository jobs, TransactionTemplate tx) {
        this.launcher = launcher;
        this.jobs = jobs;
        this.tx = tx;
    }

    @TransactionalEventListener
    void onSubmit(LaunchEvents.Submit event) {
        inFlight.add(event.request().submissionId());
        executor.execute(() -> {
            try {
                launch(event.request());
            } finally {
                inFlight.remove(event.request().submissionId());
            }
        });
    }

    @TransactionalEventListener
    void onKill(LaunchEvents.Kill event) {
        executor.execute(() -> kill(event.submission()));
    }

    /** Whether this control plane has a submission with this tag committed but not yet handed to Spark. */
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
            Optional<TrainingJob> failed = tx.execute(status -> {
                jobs.auditAs(ACTOR, reason);
                return jobs.transition(request.jobId(), request.attempt(), JobStatus.FAILED,
                                JobStatus.PENDING, JobStatus.QUEUED)
                        .set("error_message", reason)
                        .setExpression("completed_at", "now()")
                        .apply();
            });
            if (failed.isEmpty()) {
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
