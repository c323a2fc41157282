package dev.pausable.trainer.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.Dataset;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.NewDataset;
import dev.pausable.contract.Rows;
import dev.pausable.contract.StatusChange;
import dev.pausable.contract.TrainerStatusWrite;
import dev.pausable.contract.TrainingJob;
import dev.pausable.contract.Wire;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every write the trainer makes to PostgreSQL, each fenced by (job id, attempt): a write that
 * matches no row means a newer attempt owns the job, and {@link StaleAttemptException} stops
 * this driver before it writes anything else.
 */
public class JobStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final String HEARTBEATING = "status IN (" + Wire.sqlList(JobStatus.HEARTBEATING) + ")";

    private final Database db;
    private final UUID jobId;
    private final int attempt;
    private final String actor;

    public JobStore(Database db, UUID jobId, int attempt) {
        this.db = db;
        this.jobId = jobId;
        this.attempt = attempt;
        this.actor = "trainer:attempt-" + attempt;
    }

    public UUID jobId() {
        return jobId;
    }

    public int attempt() {
        return attempt;
    }

    public TrainingJob load() {
        return row("SELECT * FROM training_jobs WHERE id = ?", jobId, rs -> Rows.job(rs, JSON_COLUMNS), "Job");
    }

    public Dataset dataset(UUID datasetId) {
        return row("SELECT * FROM datasets WHERE id = ?", datasetId, rs -> Rows.dataset(rs, JSON_COLUMNS), "Dataset");
    }

    /** Reads one row by id with the contract's reader; a missing row is an error naming {@code what}. */
    private <T> T row(String sql, UUID id, RowReader<T> reader, String what) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setObject(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException(what + " " + id + " does not exist");
                    }
                    return reader.read(rs);
                }
            }
        });
    }

    @FunctionalInterface
    private interface RowReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** Claims the job for this attempt; a job cancelled while the driver started is not claimed. */
    public void markRunning(String sparkAppId) {
        db.inTransaction(c -> {
            audit(c, "driver started (" + sparkAppId + ")");
            requireOneRow(statusWrite(c, TrainerStatusWrite.CLAIM,
                    "started_at = coalesce(started_at, now()), heartbeat_at = now(), spark_app_id = ?", sparkAppId),
                    "claim the job for this attempt");
            return null;
        });
    }

    /**
     * Proves this driver alive between epoch commits (an epoch can outlast the reconciler's heartbeat
     * timeout). Returns false when the job no longer waits on this attempt; never audited or notified.
     */
    public boolean heartbeat() {
        return db.inTransaction(c -> fencedUpdate(c,
                "UPDATE training_jobs SET heartbeat_at = now() WHERE " + HEARTBEATING) == 1);
    }

    /** One epoch's progress and metrics row, in one transaction; returns the operator's intent. */
    public DesiredState recordEpoch(EpochRecord epoch) {
        return db.inTransaction(c -> {
            try (PreparedStatement metrics = c.prepareStatement("""
                    INSERT INTO training_metrics (job_id, attempt, epoch, train_loss, val_loss, learning_rate,
                                                  duration_ms, samples_per_second, iteration_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (job_id, attempt, epoch) DO NOTHING""")) {
                metrics.setObject(1, jobId);
                metrics.setInt(2, attempt);
                metrics.setInt(3, epoch.epoch());
                setDouble(metrics, 4, epoch.trainLoss());
                setDouble(metrics, 5, epoch.valLoss());
                setDouble(metrics, 6, epoch.learningRate());
                metrics.setLong(7, epoch.durationMs());
                setDouble(metrics, 8, epoch.samplesPerSecond());
                metrics.setLong(9, epoch.iterationCount());
                metrics.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE training_jobs
                    SET current_epoch = ?, progress_percent = ?, train_loss = ?, val_loss = ?, learning_rate = ?,
                        best_val_loss = ?, best_epoch = ?, heartbeat_at = now()
                    WHERE id = ? AND attempt = ? AND %s
                    RETURNING desired_state""".formatted(HEARTBEATING))) {
                s.setInt(1, epoch.epoch());
                s.setDouble(2, epoch.progressPercent());
                setDouble(s, 3, epoch.trainLoss());
                setDouble(s, 4, epoch.valLoss());
                setDouble(s, 5, epoch.learningRate());
                setDouble(s, 6, epoch.bestValLoss());
                s.setInt(7, epoch.bestEpoch());
                s.setObject(8, jobId);
                s.setInt(9, attempt);
                return DesiredState.fromWire(returning(s, "record epoch " + epoch.epoch()));
            }
        });
    }

    /** After the first resumed epoch is committed, the pause checkpoint is no longer needed. */
    public void releasePauseCheckpoint(String uri) {
        db.inTransaction(c -> {
            fencedUpdate(c, """
                    UPDATE training_jobs
                    SET pause_checkpoint_path = NULL, pause_checkpoint_sha256 = NULL,
                        pause_checkpoint_size = NULL, pause_checkpoint_epoch = NULL
                    WHERE pause_checkpoint_path = ?""", uri);
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE checkpoints SET deleted_at = now() WHERE job_id = ? AND uri = ? AND deleted_at IS NULL")) {
                s.setObject(1, jobId);
                s.setString(2, uri);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Records a periodic or best checkpoint (no status change). */
    public void recordCheckpoint(StoredCheckpoint checkpoint, CheckpointKind kind) {
        db.inTransaction(c -> {
            insertCheckpoint(c, checkpoint, kind);
            return null;
        });
    }

    /**
     * Commits the pause: the checkpoint row and PAUSED with its URI, size and SHA-256, in one
     * transaction. Returns false when the operator cancelled meanwhile (the job is CANCELLING).
     */
    public boolean commitPause(StoredCheckpoint checkpoint) {
        return db.inTransaction(c -> {
            CommittedCheckpoint committed = checkpoint.committed();
            audit(c, "paused after epoch " + committed.epoch());
            insertCheckpoint(c, checkpoint, CheckpointKind.PAUSE);
            int paused = statusWrite(c, TrainerStatusWrite.COMMIT_PAUSE, """
                    pause_checkpoint_path = ?, pause_checkpoint_sha256 = ?, pause_checkpoint_size = ?,
                    pause_checkpoint_epoch = ?, heartbeat_at = now()""",
                    committed.uri(), committed.sha256(), committed.sizeBytes(), committed.epoch());
            if (paused == 1) {
                return true;
            }
            if (statusOf(c).orElse(null) == JobStatus.CANCELLING) {
                c.rollback();
                return false;
            }
            throw new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not commit its pause");
        });
    }

    public void complete(StoredCheckpoint finalModel, String reason) {
        db.inTransaction(c -> {
            audit(c, reason);
            insertCheckpoint(c, finalModel, CheckpointKind.FINAL);
            requireOneRow(statusWrite(c, TrainerStatusWrite.COMPLETE_TRAINING,
                    "progress_percent = 100, completed_at = now(), heartbeat_at = now()"), "complete");
            return null;
        });
    }

    public void cancel(String reason) {
        db.inTransaction(c -> {
            audit(c, reason);
            requireOneRow(statusWrite(c, TrainerStatusWrite.ACKNOWLEDGE_CANCEL,
                    "completed_at = now(), heartbeat_at = now()"), "cancel");
            return null;
        });
    }

    /** Records the failure; returns false when this attempt no longer owns the job. */
    public boolean fail(String message) {
        return db.inTransaction(c -> {
            audit(c, "driver failed");
            return statusWrite(c, TrainerStatusWrite.FAIL,
                    "error_message = ?, completed_at = now(), heartbeat_at = now()", message) == 1;
        });
    }

    /** A synthetic-data job's result: the dataset row, and COMPLETED, in one transaction. */
    public void completeWithDataset(UUID datasetId, NewDataset dataset) {
        db.inTransaction(c -> {
            audit(c, "dataset generated");
            try (PreparedStatement s = c.prepareStatement(NewDataset.INSERT)) {
                int index = 1;
                for (Object parameter : dataset.insertParameters(datasetId, jobId, JobStore::json)) {
                    s.setObject(index++, parameter);
                }
                s.executeUpdate();
            }
            requireOneRow(statusWrite(c, TrainerStatusWrite.COMPLETE_GENERATION,
                    "progress_percent = 100, dataset_id = ?, completed_at = now(), heartbeat_at = now()", datasetId),
                    "complete");
            return null;
        });
    }

    /**
     * One of the trainer's status writes, fenced by (id, attempt): {@code assignments} are the other
     * columns it sets, with placeholders bound to {@code params} in order. Returns the row count (0: the
     * job is not in a source status of the write, or someone else owns it now).
     */
    private int statusWrite(Connection c, TrainerStatusWrite write, String assignments, Object... params)
            throws SQLException {
        StatusChange change = write.change();
        return fencedUpdate(c, "UPDATE training_jobs SET " + change.assignment() + ", " + assignments
                + " WHERE " + change.condition(), params);
    }

    /**
     * Runs an UPDATE of this job's row fenced by (id, attempt): {@code sql} ends in a WHERE clause, to
     * which the fence is appended; {@code params} bind its placeholders in order.
     * Returns the row count (0: someone else owns the job now).
     */
    private int fencedUpdate(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql + " AND id = ? AND attempt = ?")) {
            int index = 1;
            for (Object param : params) {
                s.setObject(index++, param);
            }
            s.setObject(index++, jobId);
            s.setInt(index, attempt);
            return s.executeUpdate();
        }
    }

    private void insertCheckpoint(Connection c, StoredCheckpoint stored, CheckpointKind kind) throws SQLException {
        CommittedCheckpoint checkpoint = stored.committed();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind, write_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setObject(1, jobId);
            s.setInt(2, checkpoint.epoch());
            s.setInt(3, attempt);
            s.setString(4, checkpoint.uri());
            s.setString(5, checkpoint.sha256());
            s.setLong(6, checkpoint.sizeBytes());
            s.setString(7, kind.wire());
            s.setLong(8, stored.writeMillis());
            s.executeUpdate();
        }
    }

    private Optional<JobStatus> statusOf(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT status FROM training_jobs WHERE id = ? AND attempt = ?")) {
            s.setObject(1, jobId);
            s.setInt(2, attempt);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(JobStatus.fromWire(rs.getString(1))) : Optional.empty();
            }
        }
    }

    private void audit(Connection c, String reason) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT set_config('pausable.actor', ?, true), set_config('pausable.reason', ?, true)")) {
            s.setString(1, actor);
            s.setString(2, reason);
            s.execute();
        }
    }

    private String returning(PreparedStatement s, String what) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not " + what
                        + ": a newer attempt or an operator owns the job");
            }
            return rs.getString(1);
        }
    }

    private void requireOneRow(int rows, String what) {
        if (rows != 1) {
            throw new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not " + what);
        }
    }

    private static void setDouble(PreparedStatement s, int index, Double value) throws SQLException {
        if (value == null || value.isNaN() || value.isInfinite()) {
            s.setNull(index, java.sql.Types.DOUBLE);
        } else {
            s.setDouble(index, value);
        }
    }

    private static String json(List<String> columns) {
        try {
            return JSON.writeValueAsString(columns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The shared tables' JSON columns, decoded with Spark's Jackson. */
    private static final Rows.JsonColumns JSON_COLUMNS = new Rows.JsonColumns() {
        @Override
        public Map<String, String> stringMap(String json) {
            return read(json, STRING_MAP);
        }

        @Override
        public List<String> stringList(String json) {
            return read(json, STRINGS);
        }

        private <T> T read(String json, TypeReference<T> type) {
            try {
                return JSON.readValue(json, type);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("Unreadable JSON column " + json, e);
            }
        }
    };
}
