package dev.pausable.controlplane.job;

import dev.pausable.contract.AuditKind;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import dev.pausable.contract.SubmissionTag;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.contract.TrainingJob;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchRequest;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What becomes of a job whose attempt ended without recording an outcome (driver killed, lost,
 * refused by Spark, or stopped on a transient error). One decision per lost attempt, fenced by that
 * attempt, so the process watcher, the reconciler and the launcher may all report the same loss:
 * <ul>
 * <li>CANCELLING: the operator wanted it stopped, and it is: CANCELLED.</li>
 * <li>PAUSING with a verified checkpoint: PAUSED at the latest one (the operator wanted it paused).</li>
 * <li>otherwise, under the job's {@code max_restarts} and for a retryable loss: restarted as the next
 *     attempt from the latest verified checkpoint (or from the start), after a backoff: PENDING with
 *     attempt + 1 and the reason, then submitted.</li>
 * <li>else FAILED with the reason and every earlier restart's reason; a failed job with a checkpoint
 *     can be resumed.</li>
 * </ul>
 */
@Component
@EnableConfigurationProperties(RecoveryProperties.class)
public class Recovery {

    /** How every restart's audit reason begins (the failure message lists them). */
    private static final String RESTART = "restart ";
    /**
     * A synthetic dataset is a deterministic function of its config: a lost generation is simply run
     * again (it replaces its own partial output), as often as a training job's default allows.
     */
    private static final int SYNTHETIC_MAX_RESTARTS = 3;
    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final JobRepository jobs;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final RecoveryProperties settings;
    private final JobConfigs configs;

    Recovery(JobRepository jobs, JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events,
             RecoveryProperties settings, JobConfigs configs) {
        this.jobs = jobs;
        this.configs = configs;
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.settings = settings;
    }

    /**
     * Attempt {@code attempt} of the job ended without an outcome, for {@code reason}. Returns the status
     * the job has now, or empty when the job had moved on (another attempt, or an outcome recorded).
     *
     * @param retryable false for losses no restart can fix (the control plane cannot launch at all)
     * @param actor     who noticed the loss, for the audit trail (launcher, reconciler)
     */
    public Optional<JobStatus> attemptLost(UUID jobId, int attempt, String reason, boolean retryable, String actor) {
        return tx.execute(status -> {
            TrainingJob job = jobs.find(jobId).orElse(null);
            if (job == null || job.attempt() != attempt || !JobStatus.UNSETTLED.contains(job.status())) {
                return Optional.<JobStatus>empty();
            }
            // The trainer records a transient failure's reason before it exits.
            String why = job.errorMessage() == null ? reason : reason + ": " + job.errorMessage();
            Optional<TrainingJob> changed = switch (job.status()) {
                case CANCELLING -> finish(job, JobStatus.CANCELLED, why, actor);
                case PAUSING -> job.latestCheckpoint().isPresent()
                        ? pauseAtLatest(job, why, actor)
                        : restartOrFail(job, why + "; the pause could not be honoured (no checkpoint yet), so the job"
                                + " runs on", retryable, actor);
                default -> restartOrFail(job, why, retryable, actor);
            };
            changed.ifPresent(now -> log.warn("Job {} attempt {} lost ({}): now {} (attempt {})", jobId, attempt, why,
                    now.status().wire(), now.attempt()));
            return changed.map(TrainingJob::status);
        });
    }

    private Optional<TrainingJob> finish(TrainingJob job, JobStatus to, String why, String actor) {
        jobs.auditAs(actor, why);
        return jobs.transition(job.id(), job.attempt(), to, job.status())
                .setExpression("completed_at", "now()")
                .apply();
    }

    private Optional<TrainingJob> pauseAtLatest(TrainingJob job, String why, String actor) {
        CommittedCheckpoint latest = job.latestCheckpoint().orElseThrow();
        jobs.auditAs(actor, why + "; paused at the latest verified checkpoint (" + latest.position() + ")");
        return jobs.transition(job.id(), job.attempt(), JobStatus.PAUSED, JobStatus.PAUSING)
                .pauseCheckpoint(latest)
                .set("current_epoch", latest.epoch())
                .set("current_round", latest.round())
                .set("error_message", null)
                .apply();
    }

    private Optional<TrainingJob> restartOrFail(TrainingJob job, String why, boolean retryable, String actor) {
        int budget = maxRestarts(job);
        if (!retryable || job.restartCount() >= budget) {
            return fail(job, why, budget, actor);
        }
        int restart = job.restartCount() + 1;
        int next = job.attempt() + 1;
        CommittedCheckpoint from = job.latestCheckpoint().orElse(null);
        jobs.auditAs(actor, RESTART + restart + " of " + budget + " from "
                + (from == null ? "the start" : from.position()) + " after: " + why);
        JobRepository.Transition restarted = job.status() == JobStatus.PENDING
                ? jobs.update(job.id(), job.attempt(), JobStatus.PENDING)
                : jobs.transition(job.id(), job.attempt(), JobStatus.PENDING, job.status());
        Optional<TrainingJob> pending = restarted
                .set("desired_state", DesiredState.RUNNING.wire())
                .setExpression("attempt", "attempt + 1")
                .setExpression("restart_count", "restart_count + 1")
                .set("restart_reason", why)
                .set("error_message", null)
                .set("submission_id", SubmissionTag.of(job.id(), next))
                .set("spark_app_id", null)
                .set("spark_driver_id", null)
                .apply();
        pending.ifPresent(now -> events.publishEvent(new LaunchEvents.Submit(new LaunchRequest(now.id(),
                now.attempt(), now.submissionId(), now.jobType(), from, now.sparkConf(), LaunchRequest.Reason.RESTART),
                settings.before(restart))));
        return pending;
    }

    private Optional<TrainingJob> fail(TrainingJob job, String why, int budget, String actor) {
        String message = why;
        if (job.restartCount() > 0) {
            message += "; gave up after " + job.restartCount() + " restart" + (job.restartCount() == 1 ? "" : "s")
                    + " (max_restarts " + budget + "); earlier attempts: " + String.join("; ", earlierReasons(job));
        }
        jobs.auditAs(actor, message);
        return jobs.transition(job.id(), job.attempt(), JobStatus.FAILED, job.status())
                .set("error_message", message)
                .setExpression("completed_at", "now()")
                .apply();
    }

    /** The reason of every restart of the job, oldest first, from the audit trail. */
    private List<String> earlierReasons(TrainingJob job) {
        return jdbc.sql("""
                        SELECT attempt, reason FROM job_events
                        WHERE job_id = :id AND event_type = :status AND to_value = :restarted AND reason LIKE :restart
                        ORDER BY id""")
                .param("id", job.id())
                .param("status", AuditKind.STATUS.wire())
                .param("restart", RESTART + "%")
                .param("restarted", JobStatus.PENDING.wire())
                .query((rs, n) -> "a" + (rs.getInt("attempt") - 1) + ": " + rs.getString("reason"))
                .list();
    }

    private int maxRestarts(TrainingJob job) {
        return job.jobType() == JobType.TRAINING
                ? configs.read(job.config(), TrainingConfig.class).stored().maxRestarts()
                : SYNTHETIC_MAX_RESTARTS;
    }
}
