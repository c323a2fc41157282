package dev.pausable.controlplane.job;

import dev.pausable.contract.Checkpoint;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.Dataset;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import dev.pausable.contract.PauseAt;
import dev.pausable.contract.SubmissionTag;
import dev.pausable.contract.SyntheticDataConfig;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.contract.TrainingJob;
import dev.pausable.contract.Wire;
import dev.pausable.controlplane.auth.Caller;
import dev.pausable.controlplane.dataset.DatasetRepository;
import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.SparkOverrides;
import dev.pausable.controlplane.launch.Submission;
import dev.pausable.controlplane.storage.CheckpointObjects;
import dev.pausable.controlplane.storage.DataRoots;
import dev.pausable.controlplane.web.ForbiddenException;
import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.InvalidStateException;
import dev.pausable.controlplane.web.NotFoundException;
import dev.pausable.controlplane.web.UnavailableException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Operator intents. Each one reads the job, checks the seed's rules (so the error names the
 * status the operator saw), then makes one conditional update; if another writer won in between,
 * the job is read again and the rule answers for the status it now has.
 */
@Service
public class JobService {

    static final int MIN_PRIORITY = 0;
    static final int MAX_PRIORITY = 100;
    static final int DEFAULT_PRIORITY = 50;

    private final JobRepository jobs;
    private final DatasetRepository datasets;
    private final JobConfigs configs;
    private final SparkOverrides sparkOverrides;
    private final ApplicationEventPublisher events;
    private final CheckpointObjects objects;
    private final DataRoots roots;
    private final NetworkCheck networks;
    private final SecureRandom seeds = new SecureRandom();

    JobService(JobRepository jobs, DatasetRepository datasets, JobConfigs configs, SparkOverrides sparkOverrides,
               ApplicationEventPublisher events, CheckpointObjects objects, DataRoots roots, NetworkCheck networks) {
        this.objects = objects;
        this.roots = roots;
        this.networks = networks;
        this.jobs = jobs;
        this.datasets = datasets;
        this.configs = configs;
        this.sparkOverrides = sparkOverrides;
        this.events = events;
    }

    /** Results of the intent endpoints, rendered as the 202 bodies. */
    public record Accepted(String status, UUID jobId, String submissionId, int currentEpoch, int totalEpochs,
                           String message) {
    }

    @Transactional
    public TrainingJob create(String jobName, String jobType, JsonNode rawConfig, JsonNode rawSparkConf,
                              Integer priority, Caller caller) {
        if (jobName == null || jobName.isBlank() || jobName.length() > 200) {
            throw new InvalidFieldException("job_name", "must be 1 to 200 characters");
        }
        if (priority != null && (priority < MIN_PRIORITY || priority > MAX_PRIORITY)) {
            throw new InvalidFieldException("priority", "must be between " + MIN_PRIORITY + " and " + MAX_PRIORITY);
        }
        int jobPriority = priority == null ? DEFAULT_PRIORITY : priority;
        JobType type;
        try {
            type = jobType == null ? JobType.TRAINING : JobType.fromWire(jobType);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("job_type", "must be " + Wire.alternatives(JobType.values()));
        }
        Map<String, String> sparkConf = sparkOverrides.validate(rawSparkConf);
        // A seed drawn now and stored makes every later resume replay the same data order.
        long generatedSeed = seeds.nextInt() & 0x7fffffffL;
        UUID id = UUID.randomUUID();
        String submissionId = SubmissionTag.of(id, 1);
        jobs.auditAs(caller.name(), null);
        if (type == JobType.TRAINING) {
            TrainingConfig bound = InvalidFieldException.checking(
                    () -> configs.bind(rawConfig, TrainingConfig.class).normalized(generatedSeed));
            Dataset dataset = datasets.find(bound.datasetId()).orElseThrow(() -> new InvalidFieldException(
                    "config.dataset_id", "names no registered dataset ('" + bound.datasetId() + "')"));
            TrainingConfig config = networks.resolve(bound, dataset);
            jobs.insert(id, jobName, type, configs.write(config), config.datasetId(), config.epochs(),
                    submissionId, sparkConf, caller.name(), jobPriority);
        } else {
            SyntheticDataConfig config = InvalidFieldException.checking(
                    () -> configs.bind(rawConfig, SyntheticDataConfig.class).normalized(generatedSeed, jobName));
            if (config.outputUri() != null) {
                roots.check("config.output_uri", config.outputUri());
            }
            jobs.insert(id, jobName, type, configs.write(config), null, 0, submissionId, sparkConf, caller.name(),
                    jobPriority);
        }
        events.publishEvent(new JobWaiting(id));
        return get(id);
    }

    public TrainingJob get(UUID id) {
        return jobs.find(id).orElseThrow(() -> new NotFoundException("Job", id));
    }

    /** The job, if the caller may act on it (its owner, or an admin); checked before any rule of its state. */
    private TrainingJob managed(UUID id, Caller caller, String action) {
        TrainingJob job = get(id);
        if (!caller.mayManage(job.owner())) {
            throw new ForbiddenException("Only the job's owner or an admin may " + action + " job '" + id + "'"
                    + (job.owner() == null ? "" : " (owner: '" + job.owner() + "')"));
        }
        return job;
    }

    /**
     * Asks a running training job to pause at {@code at}: the end of the current epoch (the seed's
     * behaviour) or of the current averaging round.
     */
    @Transactional
    public Accepted pause(UUID id, PauseAt at, Caller caller) {
        TrainingJob job = managed(id, caller, "pause");
        jobs.auditAs(caller.name(), at == PauseAt.ROUND ? "pause requested at the next round" : "pause requested");
        TrainingJob pausing = jobs.transition(id, checkPausable(job).attempt(), JobStatus.PAUSING, JobStatus.RUNNING)
                .set("desired_state", DesiredState.PAUSED.wire())
                .set("pause_at", at.wire())
                .apply()
                .orElseGet(() -> {
                    checkPausable(get(id));
                    throw new InvalidStateException("Job changed while pausing; try again");
                });
        return new Accepted(pausing.status().wire(), id, pausing.submissionId(), pausing.currentEpoch(),
                pausing.totalEpochs(), at == PauseAt.ROUND
                        ? "Training will pause after completing the current averaging round"
                        : "Training will pause after completing the current epoch");
    }

    private static TrainingJob checkPausable(TrainingJob job) {
        if (job.jobType() == JobType.SYNTHETIC_DATA) {
            throw new InvalidStateException("Cannot pause synthetic data generation jobs");
        }
        if (job.status() != JobStatus.RUNNING) {
            throw new InvalidStateException("Cannot pause job in status '" + job.status().wire() + "'");
        }
        return job;
    }

    /**
     * Resubmits a PAUSED job from its pause checkpoint, or a FAILED training job from its latest verified
     * checkpoint, as the next attempt, once the checkpoint's object is found with its committed size.
     */
    @Transactional
    public Accepted resume(UUID id, Caller caller) {
        TrainingJob job = managed(id, caller, "resume");
        CommittedCheckpoint checkpoint = resumePoint(job);
        verifyObject(checkpoint);
        int nextAttempt = job.attempt() + 1;
        String submissionId = SubmissionTag.of(id, nextAttempt);
        jobs.auditAs(caller.name(), "resume requested from " + checkpoint.position());
        TrainingJob queued = jobs.transition(id, job.attempt(), JobStatus.QUEUED, job.status())
                .set("desired_state", DesiredState.RUNNING.wire())
                .set("submission_id", submissionId)
                .set("spark_app_id", null)
                .set("spark_driver_id", null)
                .set("error_message", null)
                .set("completed_at", null)
                .setExpression("attempt", "attempt + 1")
                .setExpression("waiting_since", "clock_timestamp()")
                .apply()
                .orElseGet(() -> {
                    resumePoint(get(id));
                    throw new InvalidStateException("Job changed while resuming; try again");
                });
        events.publishEvent(new JobWaiting(id));
        return new Accepted(queued.status().wire(), id, submissionId, queued.currentEpoch(), queued.totalEpochs(),
                "Training resumed from " + checkpoint.position());
    }

    /** The seed's rules for PAUSED jobs; a FAILED training job resumes from its latest verified checkpoint. */
    private static CommittedCheckpoint resumePoint(TrainingJob job) {
        if (job.status() == JobStatus.FAILED && job.jobType() == JobType.TRAINING) {
            // Without a checkpoint there is nothing to resume from: the seed's answer for a failed job.
            return job.latestCheckpoint().orElseThrow(() -> new InvalidStateException(
                    "Cannot resume job in status '" + job.status().wire() + "'"));
        }
        if (job.status() != JobStatus.PAUSED) {
            throw new InvalidStateException("Cannot resume job in status '" + job.status().wire() + "'");
        }
        return job.pauseCheckpoint().orElseThrow(() -> new InvalidStateException("No pause checkpoint found"));
    }

    /** The object must be there with the size PostgreSQL committed; the trainer checks its SHA-256. */
    private void verifyObject(CommittedCheckpoint checkpoint) {
        Optional<Long> size;
        try {
            size = objects.size(checkpoint.uri());
        } catch (RuntimeException e) {
            throw new UnavailableException("Cannot check checkpoint " + checkpoint.uri() + " in the object store: "
                    + e.getMessage());
        }
        if (size.isEmpty()) {
            throw new InvalidStateException("Checkpoint " + checkpoint.uri() + " is missing from the object store");
        }
        if (size.get() != checkpoint.sizeBytes()) {
            throw new InvalidStateException("Checkpoint " + checkpoint.uri() + " has " + size.get()
                    + " bytes in the object store, but " + checkpoint.sizeBytes() + " were committed");
        }
    }

    /**
     * PENDING, QUEUED and PAUSED jobs have no driver that could acknowledge, so they are CANCELLED
     * at once (a queued submission is killed); RUNNING and PAUSING jobs become CANCELLING and the
     * trainer records CANCELLED at the next epoch boundary.
     */
    @Transactional
    public Accepted cancel(UUID id, Caller caller) {
        TrainingJob job = managed(id, caller, "cancel");
        JobStatus target = switch (job.status()) {
            case PENDING, QUEUED, PAUSED -> JobStatus.CANCELLED;
            case RUNNING, PAUSING -> JobStatus.CANCELLING;
            default -> throw new InvalidStateException("Cannot cancel job in status '" + job.status().wire() + "'");
        };
        jobs.auditAs(caller.name(), "cancel requested");
        JobRepository.Transition transition = jobs.transition(id, job.attempt(), target, job.status())
                .set("desired_state", DesiredState.CANCELLED.wire())
                .set("waiting_since", null);
        if (target == JobStatus.CANCELLED) {
            transition.setExpression("completed_at", "now()");
        }
        TrainingJob cancelled = transition.apply()
                .orElseThrow(() -> new InvalidStateException("Job changed while cancelling; try again"));
        if (job.status() == JobStatus.QUEUED && job.queuePosition() == null && job.submissionId() != null) {
            events.publishEvent(new LaunchEvents.Kill(new Submission(job.submissionId(), job.sparkDriverId())));
        }
        String message = target == JobStatus.CANCELLED
                ? "Job cancelled"
                : "Training will stop after completing the current epoch";
        return new Accepted(cancelled.status().wire(), id, cancelled.submissionId(), cancelled.currentEpoch(),
                cancelled.totalEpochs(), message);
    }

    /** Deletes a finished job and then, after the commit, its checkpoint objects (the sweeper catches any left). */
    @Transactional
    public void delete(UUID id, Caller caller) {
        TrainingJob job = managed(id, caller, "delete");
        List<String> objectsToDelete = jobs.checkpoints(id).stream().map(Checkpoint::uri).toList();
        if (!job.status().isTerminal() || !jobs.deleteTerminal(id)) {
            throw new InvalidStateException("Cannot delete job in status '" + get(id).status().wire() + "'");
        }
        events.publishEvent(new CheckpointObjects.Released(objectsToDelete));
    }
}
