package dev.pausable.controlplane.job;

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
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plain SQL over {@code training_jobs} and its history tables. Every status change goes
 * through {@link #transition}: one conditional UPDATE on (id, expected statuses, attempt); an
 * empty result means another writer got there first, and the caller decides what that means.
 */
@Repository
public class JobRepository {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    JobRepository(JdbcClient jdbc, JsonMapper json) {
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

    public TrainingJob insert(UUID id, String jobName, JobType type, String configJson, UUID datasetId,
                              int totalEpochs, String submissionId, Map<String, String> sparkConf) {
        return jdbc.sql("""
                        INSERT INTO training_jobs (id, job_name, job_type, status, desired_state, config, dataset_id,
                                                   total_epochs, attempt, submission_id, spark_conf)
                        VALUES (:id, :name, :type, 'pending', 'running', CAST(:config AS jsonb), :dataset,
                                :epochs, 1, :submission, CAST(:sparkConf AS jsonb))
                        RETURNING *""")
                .param("sparkConf", json.writeValueAsString(sparkConf))
                .param("id", id)
                .param("name", jobName)
                .param("type", type.wire())
                .param("config", configJson)
                .param("dataset", datasetId)
                .param("epochs", totalEpochs)
                .param("submission", submissionId)
                .query(this::mapJob)
                .single();
    }

    public Optional<TrainingJob> find(UUID id) {
        return jdbc.sql("SELECT * FROM training_jobs WHERE id = :id")
                .param("id", id)
                .query(this::mapJob)
                .optional();
    }

    public List<TrainingJob> list(JobStatus status, JobType type, int limit, int offset) {
        return jdbc.sql("SELECT * FROM training_jobs" + filter(status, type)
                        + " ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset")
                .params(filterParams(status, type))
                .param("limit", limit)
                .param("offset", offset)
                .query(this::mapJob)
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
        return new Transition(id, expectedAttempt, to, EnumSet.copyOf(Arrays.asList(from)));
    }

    /**
     * Marks FAILED the job whose current submission is {@code submissionId} if it still waits on
     * that driver (not yet terminal or paused); audited as the launcher. Returns whether it did.
     */
    public boolean failUnfinishedSubmission(String submissionId, String reason) {
        return jdbc.sql("""
                        WITH audit AS (SELECT set_config('pausable.actor', 'launcher', true),
                                              set_config('pausable.reason', :reason, true))
                        UPDATE training_jobs SET status = 'failed', error_message = :reason, completed_at = now()
                        FROM audit
                        WHERE submission_id = :submission
                          AND status IN ('pending', 'queued', 'running', 'pausing', 'cancelling')""")
                .param("reason", reason)
                .param("submission", submissionId)
                .update() == 1;
    }

    /**
     * Records the cluster manager's driver id of a submitted attempt whose job still waits on it
     * (queued or already running). Returns false when the job moved on (cancelled, replaced).
     */
    public boolean recordDriver(UUID id, int attempt, String driverId) {
        return jdbc.sql("""
                        UPDATE training_jobs SET spark_driver_id = coalesce(:driver, spark_driver_id)
                        WHERE id = :id AND attempt = :attempt AND status IN ('queued', 'running', 'pausing')""")
                .param("driver", driverId)
                .param("id", id)
                .param("attempt", attempt)
                .update() == 1;
    }

    /** Jobs that wait on a submission or a driver: the reconciler's work list. */
    public List<TrainingJob> unsettled() {
        return jdbc.sql("""
                        SELECT * FROM training_jobs
                        WHERE status IN ('pending', 'queued', 'running', 'pausing', 'cancelling')
                        ORDER BY created_at""")
                .query(this::mapJob)
                .list();
    }

    /** The newest checkpoint of a job that is still stored, if any. */
    public Optional<Checkpoint> latestStoredCheckpoint(UUID jobId) {
        return checkpoints(jobId).stream().filter(c -> c.deletedAt() == null).reduce((first, second) -> second);
    }

    /** Deletes the job if, and only if, it is in a terminal status. */
    public boolean deleteTerminal(UUID id) {
        return jdbc.sql("DELETE FROM training_jobs WHERE id = :id AND status IN (:terminal)")
                .param("id", id)
                .param("terminal", JobStatus.terminal().stream().map(JobStatus::wire).toList())
                .update() == 1;
    }

    public List<EpochMetric> metrics(UUID jobId) {
        return jdbc.sql("""
                        SELECT attempt, epoch, train_loss, val_loss, learning_rate, duration_ms,
                               samples_per_second, iteration_count, recorded_at
                        FROM training_metrics WHERE job_id = :id ORDER BY epoch, attempt""")
                .param("id", jobId)
                .query((rs, n) -> new EpochMetric(rs.getInt("attempt"), rs.getInt("epoch"),
                        nullableDouble(rs, "train_loss"), nullableDouble(rs, "val_loss"),
                        nullableDouble(rs, "learning_rate"), nullableLong(rs, "duration_ms"),
                        nullableDouble(rs, "samples_per_second"), nullableLong(rs, "iteration_count"),
                        rs.getObject("recorded_at", OffsetDateTime.class)))
                .list();
    }

    public List<JobEvent> events(UUID jobId) {
        return jdbc.sql("""
                        SELECT id, event_type, from_value, to_value, actor, reason, epoch, attempt, created_at
                        FROM job_events WHERE job_id = :id ORDER BY id""")
                .param("id", jobId)
                .query((rs, n) -> new JobEvent(rs.getLong("id"), rs.getString("event_type"),
                        rs.getString("from_value"), rs.getString("to_value"), rs.getString("actor"),
                        rs.getString("reason"), nullableInt(rs, "epoch"), nullableInt(rs, "attempt"),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .list();
    }

    public List<Checkpoint> checkpoints(UUID jobId) {
        return jdbc.sql("""
                        SELECT id, epoch, attempt, uri, sha256, size_bytes, kind, created_at, deleted_at, write_ms
                        FROM checkpoints WHERE job_id = :id ORDER BY created_at, id""")
                .param("id", jobId)
                .query((rs, n) -> new Checkpoint(rs.getLong("id"), rs.getInt("epoch"), rs.getInt("attempt"),
                        rs.getString("uri"), rs.getString("sha256"), rs.getLong("size_bytes"), rs.getString("kind"),
                        rs.getObject("created_at", OffsetDateTime.class),
                        rs.getObject("deleted_at", OffsetDateTime.class), nullableLong(rs, "write_ms")))
                .list();
    }

    private TrainingJob mapJob(ResultSet rs, int rowNum) throws SQLException {
        return new TrainingJob(
                rs.getObject("id", UUID.class),
                rs.getString("job_name"),
                JobType.fromWire(rs.getString("job_type")),
                JobStatus.fromWire(rs.getString("status")),
                DesiredState.fromWire(rs.getString("desired_state")),
                json.readTree(rs.getString("config")),
                rs.getObject("dataset_id", UUID.class),
                rs.getInt("total_epochs"),
                rs.getInt("current_epoch"),
                rs.getDouble("progress_percent"),
                nullableDouble(rs, "train_loss"),
                nullableDouble(rs, "val_loss"),
                nullableDouble(rs, "learning_rate"),
                nullableDouble(rs, "best_val_loss"),
                nullableInt(rs, "best_epoch"),
                rs.getInt("attempt"),
                rs.getString("submission_id"),
                rs.getString("spark_app_id"),
                rs.getString("pause_checkpoint_path"),
                rs.getString("pause_checkpoint_sha256"),
                nullableLong(rs, "pause_checkpoint_size"),
                nullableInt(rs, "pause_checkpoint_epoch"),
                rs.getString("error_message"),
                rs.getObject("heartbeat_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("started_at", OffsetDateTime.class),
                rs.getObject("updated_at", OffsetDateTime.class),
                rs.getObject("completed_at", OffsetDateTime.class),
                json.readValue(rs.getString("spark_conf"), STRING_MAP),
                rs.getString("spark_driver_id"));
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** One conditional status change; {@link #apply()} returns the row as stored, or empty if it lost. */
    public final class Transition {

        private final UUID id;
        private final int expectedAttempt;
        private final JobStatus to;
        private final Set<JobStatus> from;
        private final List<String> assignments = new ArrayList<>();
        private final Map<String, Object> params = new LinkedHashMap<>();

        private Transition(UUID id, int expectedAttempt, JobStatus to, Set<JobStatus> from) {
            for (JobStatus source : from) {
                if (!source.canTransitionTo(to)) {
                    throw new IllegalArgumentException("Transition " + source + " -> " + to + " is not allowed");
                }
            }
            this.id = id;
            this.expectedAttempt = expectedAttempt;
            this.to = to;
            this.from = from;
        }

        /** Sets a column to a bound value. Column names come from code, never from requests. */
        public Transition set(String column, Object value) {
            String param = "v" + params.size();
            assignments.add(column + " = :" + param);
            params.put(param, value);
            return this;
        }

        /** Sets a column to an SQL expression over the row, e.g. {@code attempt + 1} or {@code now()}. */
        public Transition setExpression(String column, String sqlExpression) {
            assignments.add(column + " = " + sqlExpression);
            return this;
        }

        public Optional<TrainingJob> apply() {
            StringBuilder sql = new StringBuilder("UPDATE training_jobs SET status = :to");
            for (String assignment : assignments) {
                sql.append(", ").append(assignment);
            }
            sql.append(" WHERE id = :id AND attempt = :attempt AND status IN (:from) RETURNING *");
            return jdbc.sql(sql.toString())
                    .params(params)
                    .param("to", to.wire())
                    .param("id", id)
                    .param("attempt", expectedAttempt)
                    .param("from", from.stream().map(JobStatus::wire).toList())
                    .query(JobRepository.this::mapJob)
                    .optional();
        }
    }
}
