package dev.pausable.controlplane.admission;

import dev.pausable.contract.ChangeEvent;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.TrainingJob;
import dev.pausable.controlplane.events.TrainingEvent;
import dev.pausable.controlplane.job.JobRepository;
import dev.pausable.controlplane.job.JobWaiting;
import dev.pausable.controlplane.job.LaunchCoordinator;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchRequest;
import dev.pausable.controlplane.schedule.Leadership;
import dev.pausable.controlplane.schedule.PeriodicTask;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The only way a created or resumed job reaches Spark: the leading control plane admits waiting jobs
 * while fewer than {@code pausable.admission.max-running} hold a slot (highest priority first, first
 * come first served within a priority), then submits them. It looks whenever it hears that a job began
 * to wait or left a slot (on any control plane: through PostgreSQL's notifications), and every
 * {@code pausable.admission.interval}.
 */
@Component
@EnableConfigurationProperties(AdmissionProperties.class)
public class Admission extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(Admission.class);
    /** Statuses a job update may carry when a job starts waiting or gives back its slot. */
    private static final Set<String> SLOT_CHANGES = Set.of(JobStatus.PENDING.wire(), JobStatus.QUEUED.wire(),
            JobStatus.PAUSED.wire(), JobStatus.COMPLETED.wire(), JobStatus.FAILED.wire(), JobStatus.CANCELLED.wire());

    private final JobRepository jobs;
    private final LaunchCoordinator launches;
    private final TransactionTemplate tx;
    private final AdmissionProperties settings;

    Admission(JobRepository jobs, LaunchCoordinator launches, TransactionTemplate tx, Leadership leadership,
              AdmissionProperties settings) {
        super("admission", leadership);
        this.jobs = jobs;
        this.launches = launches;
        this.tx = tx;
        this.settings = settings;
        leadership.onLead(this::runSoon);
    }

    @TransactionalEventListener
    void onWaiting(JobWaiting event) {
        runSoon();
    }

    @EventListener
    void onChange(TrainingEvent event) {
        if (event.kind() == ChangeEvent.JOB_DELETED || event.kind() == ChangeEvent.JOB_UPDATE
                && SLOT_CHANGES.contains(event.data().path(ChangeEvent.Keys.STATUS).asString())) {
            runSoon();
        }
    }

    /** Admits what fits and submits it (passes run one at a time, on the task's thread, on the leader). */
    @Override
    protected void pass() {
        for (TrainingJob job : tx.execute(status -> jobs.admit(settings.maxRunning()))) {
            log.info("Job {} admitted (priority {}); submitting {}", job.id(), job.priority(), job.submissionId());
            launches.submit(new LaunchEvents.Submit(request(job)));
        }
    }

    /**
     * Only created and resumed jobs wait: a waiting PENDING job is new; a waiting QUEUED one was resumed,
     * from its pause checkpoint (a failed job: its latest).
     */
    static LaunchRequest request(TrainingJob job) {
        if (job.status() == JobStatus.QUEUED) {
            return new LaunchRequest(job.id(), job.attempt(), job.submissionId(), job.jobType(),
                    job.pauseCheckpoint().or(job::latestCheckpoint).orElse(null), job.sparkConf(),
                    LaunchRequest.Reason.RESUME);
        }
        return new LaunchRequest(job.id(), job.attempt(), job.submissionId(), job.jobType(), null, job.sparkConf());
    }

    @Override
    protected Duration interval() {
        return settings.interval();
    }
}
