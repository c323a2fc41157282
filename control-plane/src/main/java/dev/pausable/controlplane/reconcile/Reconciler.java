package dev.pausable.controlplane.reconcile;

import dev.pausable.contract.AuditKind;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.TrainingJob;
import dev.pausable.controlplane.job.JobRepository;
import dev.pausable.controlplane.job.LaunchCoordinator;
import dev.pausable.controlplane.job.Recovery;
import dev.pausable.controlplane.launch.JobLauncher;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchRequest;
import dev.pausable.controlplane.launch.Liveness;
import dev.pausable.controlplane.launch.Submission;
import dev.pausable.controlplane.schedule.Leadership;
import dev.pausable.controlplane.schedule.PeriodicTask;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings the database in line with what Spark actually runs. One handler per status that waits on a
 * driver; each ends in at most one conditional transition fenced by the attempt it read, so a pass
 * may run twice, or race the trainer, and still write each outcome once. Asking the launcher about a
 * submission this control plane did not start (one started before a restart) re-adopts it.
 */
@Component
@EnableConfigurationProperties(ReconcilerProperties.class)
public class Reconciler extends PeriodicTask {

    static final String ACTOR = "reconciler";
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final JobRepository jobs;
    private final JobLauncher launcher;
    private final LaunchCoordinator launches;
    private final Recovery recovery;
    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final ReconcilerProperties settings;
    /** Attempts already asked about once by this control plane (see {@link #driving}). */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    Reconciler(JobRepository jobs, JobLauncher launcher, LaunchCoordinator launches, Recovery recovery,
               TransactionTemplate tx, JdbcClient jdbc, ReconcilerProperties settings, Leadership leadership) {
        super("reconciler", leadership);
        this.jobs = jobs;
        this.launcher = launcher;
        this.launches = launches;
        this.recovery = recovery;
        this.tx = tx;
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /** One pass over every job that waits on a submission or a driver. */
    public void reconcile() {
        OffsetDateTime now = jdbc.sql("SELECT clock_timestamp()").query(OffsetDateTime.class).single();
        List<TrainingJob> unsettled = jobs.unsettled();
        for (TrainingJob job : unsettled) {
            try {
                reconcile(job, now);
            } catch (RuntimeException e) {
                log.warn("Could not reconcile job {}: {}", job.id(), e.toString(), e);
            }
        }
        seen.retainAll(unsettled.stream().map(Reconciler::attemptKey).collect(Collectors.toSet()));
    }

    private static String attemptKey(TrainingJob job) {
        return job.id() + "/" + job.attempt();
    }

    private void reconcile(TrainingJob job, OffsetDateTime now) {
        switch (job.status()) {
            case PENDING -> pending(job, now);
            case QUEUED -> queued(job, now);
            case RUNNING, CANCELLING -> driving(job, now, "stopped reporting");
            case PAUSING -> driving(job, now, "died while pausing, before committing its pause checkpoint");
            // PENDING: also a restart waiting out its backoff on a control plane that stopped meanwhile.
            default -> {
                // PAUSED and terminal jobs wait on nothing.
            }
        }
    }

    /**
     * Accepted (or restarted) but never acknowledged: the control plane stopped between the commit and
     * spark-submit, or during a restart's backoff. Spark runs it: re-adopted; else it is submitted now.
     */
    private void pending(TrainingJob job, OffsetDateTime now) {
        if (stillLaunching(job, now)) {
            return;
        }
        switch (launcher.probe(submission(job))) {
            case ALIVE -> record(job, JobStatus.QUEUED, "re-adopted " + job.submissionId());
            case GONE -> {
                log.warn("Job {}: submission {} was never handed to Spark; submitting it now", job.id(),
                        job.submissionId());
                launches.submit(new LaunchEvents.Submit(LaunchRequest.fromLatestCheckpoint(job,
                        job.restartCount() > 0 ? LaunchRequest.Reason.RESTART : LaunchRequest.Reason.START)));
            }
            case UNKNOWN -> log.debug("Job {}: Spark unreachable, pending left as is", job.id());
        }
    }

    /** Submitted: the driver must show up (in Spark, or by marking the job RUNNING) or the attempt is lost. */
    private void queued(TrainingJob job, OffsetDateTime now) {
        if (stillLaunching(job, now)) {
            return;
        }
        if (launcher.probe(submission(job)) == Liveness.GONE) {
            recovery.attemptLost(job.id(), job.attempt(), "Spark application " + job.submissionId()
                    + " is gone and never started the trainer; see the submission's log", true, ACTOR);
        }
    }

    /**
     * A driver that reports by heartbeat: stale heartbeat and no application means it died. The first
     * look at an attempt asks Spark even while the heartbeat is fresh, which re-adopts a driver started
     * before this control plane did.
     */
    private void driving(TrainingJob job, OffsetDateTime now, String what) {
        OffsetDateTime lastSign = job.heartbeatAt() != null ? job.heartbeatAt() : job.updatedAt();
        boolean stale = Duration.between(lastSign, now).compareTo(settings.heartbeatTimeout()) >= 0;
        boolean firstLook = seen.add(attemptKey(job));
        if (!stale) {
            unresponsive(job, now);
        }
        if (!stale && !firstLook) {
            return;
        }
        if (launcher.probe(submission(job)) != Liveness.GONE || !stale) {
            return;
        }
        recovery.attemptLost(job.id(), job.attempt(), "Driver of " + job.submissionId() + " " + what
                + " (last heartbeat " + lastSign + ") and its Spark application is gone", true, ACTOR);
    }

    /**
     * A driver that beats but does not move on: a cancel not acknowledged within the cancel grace, or no
     * epoch recorded for longer than the progress watchdog allows (a hung stage). It is killed, and its
     * attempt is lost (CANCELLED, or restarted from the latest checkpoint).
     */
    private void unresponsive(TrainingJob job, OffsetDateTime now) {
        if (job.status() == JobStatus.CANCELLING) {
            OffsetDateTime asked = cancelAskedAt(job);
            if (asked != null && Duration.between(asked, now).compareTo(settings.cancelGrace()) >= 0) {
                killLost(job, "Driver of " + job.submissionId() + " did not stop within the cancel grace of "
                        + settings.cancelGrace() + "; killed");
            }
            return;
        }
        Progress progress = progress(job);
        Duration limit = Duration.ofMillis(progress.longestEpochMillis()).multipliedBy(settings.watchdogFactor());
        if (limit.compareTo(settings.watchdogFloor()) < 0) {
            limit = settings.watchdogFloor();
        }
        if (progress.last() != null && Duration.between(progress.last(), now).compareTo(limit) >= 0) {
            killLost(job, "Driver of " + job.submissionId() + " made no progress since " + progress.last()
                    + " (watchdog limit " + limit + "); killed");
        }
    }

    private void killLost(TrainingJob job, String reason) {
        log.warn("Job {}: {}", job.id(), reason);
        launcher.kill(submission(job));
        recovery.attemptLost(job.id(), job.attempt(), reason, true, ACTOR);
    }

    /** The attempt's last sign of progress (its last epoch, else its start) and the job's longest epoch. */
    private record Progress(OffsetDateTime last, long longestEpochMillis) {
    }

    private Progress progress(TrainingJob job) {
        return jdbc.sql("""
                        SELECT (SELECT max(recorded_at) FROM training_metrics WHERE job_id = :id AND attempt = :attempt)
                                   AS last_epoch,
                               (SELECT coalesce(max(duration_ms), 0) FROM training_metrics WHERE job_id = :id)
                                   AS longest""")
                .param("id", job.id()).param("attempt", job.attempt())
                .query((rs, n) -> {
                    OffsetDateTime last = rs.getObject("last_epoch", OffsetDateTime.class);
                    return new Progress(last != null ? last : job.startedAt(), rs.getLong("longest"));
                })
                .single();
    }

    /** When the operator's cancel of this attempt was asked, from the audit trail. */
    private OffsetDateTime cancelAskedAt(TrainingJob job) {
        return jdbc.sql("""
                        SELECT max(created_at) FROM job_events
                        WHERE job_id = :id AND event_type = :intent AND to_value = :cancelWanted""")
                .param("id", job.id())
                .param("intent", AuditKind.INTENT.wire())
                .param("cancelWanted", DesiredState.CANCELLED.wire())
                .query(OffsetDateTime.class).single();
    }

    private boolean stillLaunching(TrainingJob job, OffsetDateTime now) {
        // Nobody launches an attempt a preempted driver handed over but this control plane: no grace to wait.
        return launches.inFlight(job.submissionId()) || !job.handedOverByTrainer()
                && Duration.between(job.updatedAt(), now).compareTo(settings.launchGrace()) < 0;
    }

    private static Submission submission(TrainingJob job) {
        return new Submission(job.submissionId(), job.sparkDriverId());
    }

    private void record(TrainingJob job, JobStatus to, String note) {
        Optional<TrainingJob> changed = tx.execute(status -> {
            jobs.auditAs(ACTOR, note);
            return jobs.transition(job.id(), job.attempt(), to, job.status()).apply();
        });
        if (changed.isPresent()) {
            log.warn("Job {} {} -> {}: {}", job.id(), job.status().wire(), to.wire(), note);
        }
    }

    @Override
    protected boolean enabled() {
        return settings.enabled();
    }

    @Override
    protected Duration interval() {
        return settings.interval();
    }

    @Override
    protected void pass() {
        reconcile();
    }
}
