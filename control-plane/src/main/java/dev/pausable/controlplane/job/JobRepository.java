package dev.pausable.controlplane.job;

import dev.pausable.contract.Checkpoint;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import dev.pausable.contract.Rows;
import dev.pausable.contract.StatusChange;
import dev.pausable.contract.TrainingJob;
import dev.pausable.contract.Wire;
import dev.pausable.controlplane.db.JsonColumns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import dev.pausable.controlplane.web.Paging;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Plain SQL over {@code training_jobs} and its history tables. Every status change goes
 * through {@link #transition}: one conditional UPDATE on (id, expected statuses, attempt); an
 * empty result means another writer got there first, and the caller decides what that means.
 */
@Repository
public class JobRepository {

    private final JdbcClient jdbc;
    private final JsonColumns json;

    JobRepository(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Names the writer (and why) for the audit trigger, for the rest of the current
     * transaction. Must run inside the transaction that makes the change.
     */
    public void auditAs(String actor, String reason) {
        jdbc.sql("SELECT set_config('pausable.actor', :actor, true), set_config('pausable.reason', :reason, true)")
                .param("actor", actor)
                .param("reason", reason == null ? "" : reason)
                .query((rs, n) -> 1).list();
    }

    /** A new job, waiting for a slot (see {@link #admit}). */
    public void insert(UUID id, String jobName, JobType type, String configJson, UUID datasetId,
                       int totalEpochs, String submissionId, Map<String, String> sparkConf, String owner,
                       int priority) {
        jdbc.sql("""
                        INSERT INTO training_jobs (id, job_name, job_type, status, desired_state, config, dataset_id,
                                                   total_epochs, attempt, submission_id, spark_conf, owner, priority,
                                                   waiting_since)
                        VALUES (:id, :name, :type, :status, :desired, CAST(:config AS jsonb), :dataset,
                                :epochs, 1, :submission, CAST(:sparkConf AS jsonb), :owner, :priority,
                                clock_timestamp())""")
                .param("owner", owner)
                .param("priority", priority)
                .param("status", JobStatus.PENDING.wire())
                .param("desired", DesiredState.RUNNING.wire())
                .param("sparkConf", json.write(sparkConf))
                .param("id", id)
                .param("name", jobName)
                .param("type", type.wire())
                .param("config", configJson)
                .param("dataset", datasetId)
                .param("epochs", totalEpochs)
                .param("submission", submissionId)
                .update();
    }

    /**
     * A job's columns and, while it waits for a slot, its place in the queue: one plus the waiting jobs
     * admitted before it (higher priority, or the same priority and waiting longer).
     */
    private static final String JOB_WITH_POSITION = """
            SELECT j.*, CASE WHEN j.waiting_since IS NOT NULL AND j.status IN (:waitable) THEN 1 + (
                       SELECT count(*) FROM training_jobs w
                       WHERE w.waiting_since IS NOT NULL AND w.status IN (:waitable)
                         AND (w.priority > j.priority OR w.priority = j.priority
                              AND (w.waiting_since, w.id) < (j.waiting_since, j.id))) END AS queue_position
            FROM training_jobs j""";

    public Optional<TrainingJob> find(UUID id) {
        return jdbc.sql(JOB_WITH_POSITION + " WHERE id = :id")
                .param("waitable", Wire.names(JobStatus.CLAIMABLE))
                .param("id", id)
                .query(this::mapJobWithPosition)
                .optional();
    }

    public List<TrainingJob> list(JobStatus status, JobType type, int limit, int offset) {
        return jdbc.sql(JOB_WITH_POSITION + filter(status, type)
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .params(filterParams(status, type))
                .param("waitable", Wire.names(JobStatus.CLAIMABLE))
                .param("limit", limit)
                .param("offset", offset)
                .query(this::mapJobWithPosition)
                .list();
    }

    public long count(JobStatus status, JobType type) {
        return jdbc.sql("SELECT count(*) FROM training_jobs" + filter(status, type))
                .params(filterParams(status, type))
                .query(Long.class)
                .single();
    }

    private static String filter(JobStatus status, JobType type) {
        List<String> clauses = new ArrayList<>();
        if (status != null) {
            clauses.add("status = :status");
        }
        if (type != null) {
            clauses.add("job_type = :type");
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    private static Map<String, Object> filterParams(JobStatus status, JobType type) {
        Map<String, Object> params = new LinkedHashMap<>();
        if (status != null) {
            params.put("status", status.wire());
        }
        if (type != null) {
            params.put("type", type.wire());
        }
        return params;
    }

    /** Starts a conditional status change from any of {@code from} to {@code to}. */
    public Transition transition(UUID id, int expectedAttempt, JobStatus to, JobStatus... from) {
        StatusChange change = new StatusChange(EnumSet.copyOf(Arrays.asList(from)), to);
        return new Transition(id, expectedAttempt, change.assignment(), change.condition());
    }

    /** Starts a conditional change of a job that stays in {@code status} (same guard, no transition). */
    public Transition update(UUID id, int expectedAttempt, JobStatus status) {
        return new Transition(id, expectedAttempt, null, "status IN (" + Wire.sqlList(List.of(status)) + ")");
    }

    /**
     * Records the cluster manager's driver id of a submitted attempt whose job still waits on it
     * (queued or already running). Returns false when the job moved on (cancelled, replaced).
     */
    public boolean recordDriver(UUID id, int attempt, String driverId) {
        return jdbc.sql("""
                        UPDATE training_jobs SET spark_driver_id = coalesce(:driver, spark_driver_id)
                        WHERE id = :id AND attempt = :attempt AND status IN (:launched)""")
                .param("launched", Wire.names(JobStatus.LAUNCHED))
                .param("driver", driverId)
                .param("id", id)
                .param("attempt", attempt)
                .update() == 1;
    }

    /** Jobs that wait on a submission or a driver (not on a slot): the reconciler's work list. */
    public List<TrainingJob> unsettled() {
        return jdbc.sql("""
                        SELECT * FROM training_jobs WHERE status IN (:unsettled) AND waiting_since IS NULL
                        ORDER BY created_at""")
                .param("unsettled", Wire.names(JobStatus.UNSETTLED))
                .query(this::mapJob)
                .list();
    }

    /**
     * Admits waiting jobs while fewer than {@code maxRunning} hold a slot (admitted and not yet paused or
     * finished), next in queue order first; returns the admitted jobs, which the caller then submits. The
     * transaction-scoped advisory lock makes two admissions (a leader and its successor) take turns.
     */
    public List<TrainingJob> admit(int maxRunning) {
        jdbc.sql("SELECT 1 FROM pg_advisory_xact_lock(:key)").param("key", ADMISSION_LOCK).query(Integer.class).single();
        long holding = jdbc.sql("""
                        SELECT count(*) FROM training_jobs WHERE status IN (:unsettled) AND waiting_since IS NULL""")
                .param("unsettled", Wire.names(JobStatus.UNSETTLED))
                .query(Long.class)
                .single();
        if (holding >= maxRunning) {
            return List.of();
        }
        return jdbc.sql("""
                        UPDATE training_jobs SET waiting_since = NULL
                        WHERE id IN (SELECT id FROM training_jobs
                                     WHERE waiting_since IS NOT NULL AND status IN (:waitable)
                                     ORDER BY priority DESC, waiting_since, id
                                     LIMIT :free FOR UPDATE)
                        RETURNING *""")
                .param("waitable", Wire.names(JobStatus.CLAIMABLE))
                .param("free", maxRunning - holding)
                .query(this::mapJob)
                .list();
    }

    /** The key of the admission's transaction lock ("admit" in ASCII). */
    private static final long ADMISSION_LOCK = 0x61646d6974L;

    /** Deletes the job if, and only if, it is in a terminal status. */
    public boolean deleteTerminal(UUID id) {
        return jdbc.sql("DELETE FROM training_jobs WHERE id = :id AND status IN (:terminal)")
                .param("id", id)
                .param("terminal", Wire.names(JobStatus.TERMINAL))
                .update() == 1;
    }

    /** One page of rows and how many there are in all. */
    public record Page<T>(List<T> rows, long total) {
    }

    /**
     * Each epoch once, as recorded by the latest attempt that trained it (a restart trains again the
     * epochs after its checkpoint); every attempt's rows with {@code allAttempts}.
     */

    public Page<EpochMetric> metrics(UUID jobId, boolean allAttempts, Paging paging) {
        return page("""
                        SELECT * FROM (
                            SELECT %s attempt, epoch, train_loss, val_loss, learning_rate, duration_ms,
                                   samples_per_second, iteration_count, recorded_at
                            FROM training_metrics WHERE job_id = :id ORDER BY epoch, attempt DESC) rows
                        ORDER BY epoch, attempt""".formatted(allAttempts ? "" : "DISTINCT ON (epoch)"), jobId, paging,
                (rs, n) -> new EpochMetric(rs.getInt("attempt"), rs.getInt("epoch"),
                        Rows.nullableDouble(rs, "train_loss"), Rows.nullableDouble(rs, "val_loss"),
                        Rows.nullableDouble(rs, "learning_rate"), Rows.nullableLong(rs, "duration_ms"),
                        Rows.nullableDouble(rs, "samples_per_second"), Rows.nullableLong(rs, "iteration_count"),
                        rs.getObject("recorded_at", OffsetDateTime.class)));
    }

    public List<RoundLoss> roundLosses(UUID jobId) {
        return jdbc.sql("""
                        SELECT DISTINCT ON (epoch, round) attempt, epoch, round, rounds, train_loss, recorded_at
                        FROM round_losses WHERE job_id = :id ORDER BY epoch, round, attempt DESC""")
                .param("id", jobId)
                .query((rs, n) -> new RoundLoss(rs.getInt("attempt"), rs.getInt("epoch"), rs.getInt("round"),
                        rs.getInt("rounds"), Rows.nullableDouble(rs, "train_loss"),
                        rs.getObject("recorded_at", OffsetDateTime.class)))
                .list();
    }

    public Page<JobEvent> events(UUID jobId, Paging paging) {
        return page("""
                        SELECT id, event_type, from_value, to_value, actor, reason, epoch, attempt, created_at
                        FROM job_events WHERE job_id = :id ORDER BY id""", jobId, paging,
                (rs, n) -> new JobEvent(rs.getLong("id"), rs.getString("event_type"),
                        rs.getString("from_value"), rs.getString("to_value"), rs.getString("actor"),
                        rs.getString("reason"), Rows.nullableInt(rs, "epoch"), Rows.nullableInt(rs, "attempt"),
                        rs.getObject("created_at", OffsetDateTime.class)));
    }

    /** Every checkpoint row of the job (for deleting its objects). */
    public List<Checkpoint> checkpoints(UUID jobId) {
        return checkpoints(jobId, new Paging(Integer.MAX_VALUE, 0)).rows();
    }

    public Page<Checkpoint> checkpoints(UUID jobId, Paging paging) {
        return page("SELECT * FROM checkpoints WHERE job_id = :id ORDER BY created_at, id", jobId, paging,
                (rs, n) -> Rows.checkpoint(rs));
    }

    /** {@code ordered}: a query of one job's rows (parameter {@code :id}) in their order. */
    private <T> Page<T> page(String ordered, UUID jobId, Paging paging, RowMapper<T> mapper) {
        List<T> rows = jdbc.sql(ordered + " LIMIT :limit OFFSET :offset")
                .param("id", jobId).param("limit", paging.limit()).param("offset", paging.offset())
                .query(mapper).list();
        long total = paging.totalFrom(rows.size()).orElseGet(() ->
                jdbc.sql("SELECT count(*) FROM (" + ordered + ") counted").param("id", jobId)
                        .query(Long.class).single());
        return new Page<>(rows, total);
    }

    private TrainingJob mapJob(ResultSet rs, int rowNum) throws SQLException {
        return Rows.job(rs, json);
    }

    /** For queries that select {@link #JOB_WITH_POSITION}. */
    private TrainingJob mapJobWithPosition(ResultSet rs, int rowNum) throws SQLException {
        return Rows.job(rs, json, Rows.nullableInt(rs, "queue_position"));
    }

    /** One conditional status change; {@link #apply()} returns the row as stored, or empty if it lost. */
    public final class Transition {

        private final UUID id;
        private final int expectedAttempt;
        private final String condition;
        private final List<String> assignments = new ArrayList<>();
        private final Map<String, Object> params = new LinkedHashMap<>();

        private Transition(UUID id, int expectedAttempt, String statusAssignment, String condition) {
            this.id = id;
            this.expectedAttempt = expectedAttempt;
            this.condition = condition;
            if (statusAssignment != null) {
                assignments.add(statusAssignment);
            }
        }

        /** Sets a column to a bound value. Column names come from code, never from requests. */
        public Transition set(String column, Object value) {
            String param = "v" + params.size();
            assignments.add(column + " = :" + param);
            params.put(param, value);
            return this;
        }

        /** Makes {@code checkpoint} the job's pause checkpoint (PAUSED rests on it; resume starts from it). */
        public Transition pauseCheckpoint(CommittedCheckpoint checkpoint) {
            return set("pause_checkpoint_path", checkpoint.uri())
                    .set("pause_checkpoint_sha256", checkpoint.sha256())
                    .set("pause_checkpoint_size", checkpoint.sizeBytes())
                    .set("pause_checkpoint_epoch", checkpoint.epoch())
                    .set("pause_checkpoint_round", checkpoint.round());
        }

        /** Sets a column to an SQL expression over the row, e.g. {@code attempt + 1} or {@code now()}. */
        public Transition setExpression(String column, String sqlExpression) {
            assignments.add(column + " = " + sqlExpression);
            return this;
        }

        public Optional<TrainingJob> apply() {
            StringBuilder sql = new StringBuilder("UPDATE training_jobs SET ").append(String.join(", ", assignments));
            sql.append(" WHERE id = :id AND attempt = :attempt AND ").append(condition).append(" RETURNING *");
            return jdbc.sql(sql.toString())
                    .params(params)
                    .param("id", id)
                    .param("attempt", expectedAttempt)
                    .query(JobRepository.this::mapJob)
                    .optional();
        }
    }
}
