package dev.pausable.trainer.db;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
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

    public JobRow load() {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT j.*, d.uri AS d_uri, d.feature_columns AS d_features, d.label_columns AS d_labels,
                           d.task AS d_task
                    FROM training_jobs j LEFT JOIN datasets d ON d.id = j.dataset_id
                    WHERE j.id = ?""")) {
                s.setObject(1, jobId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("Job " + jobId + " does not exist");
                    }
                    String path = rs.getString("pause_checkpoint_path");
                    String sha = rs.getString("pause_checkpoint_sha256");
                    long size = rs.getLong("pause_checkpoint_size");
                    boolean hasSize = !rs.wasNull();
                    int epoch = rs.getInt("pause_checkpoint_epoch");
                    JobRow.CommittedCheckpoint checkpoint = path != null && sha != null && hasSize
                            ? new JobRow.CommittedCheckpoint(path, sha, size, epoch) : null;
                    UUID datasetId = rs.getObject("dataset_id", UUID.class);
                    JobRow.DatasetRow dataset = datasetId == null ? null : new JobRow.DatasetRow(datasetId,
                            rs.getString("d_uri"), strings(rs.getString("d_features")),
                            strings(rs.getString("d_labels")), rs.getString("d_task"));
                    return new JobRow(jobId, rs.getString("job_name"), rs.getString("job_type"),
                            rs.getString("status"), rs.getString("desired_state"), rs.getInt("attempt"),
                            rs.getString("config"), rs.getInt("total_epochs"), rs.getString("submission_id"),
                            checkpoint, dataset);
                }
            }
        });
    }

    /** Claims the job for this attempt; a job cancelled while the driver started is not claimed. */
    public void markRunning(String sparkAppId) {
        db.inTransaction(c -> {
            audit(c, "driver started (" + sparkAppId + ")");
            requireOneRow(fencedUpdate(c, """
                    UPDATE training_jobs
                    SET status = 'running', started_at = coalesce(started_at, now()), heartbeat_at = now(),
                        spark_app_id = ?
                    WHERE status IN ('pending', 'queued')""", sparkAppId), "claim the job for this attempt");
            return null;
        });
    }

    /**
     * Proves this driver alive between epoch commits (an epoch can outlast the reconciler's heartbeat
     * timeout). Returns false when the job no longer waits on this attempt; never audited or notified.
     */
    public boolean heartbeat() {
        return db.inTransaction(c -> fencedUpdate(c, """
                UPDATE training_jobs SET heartbeat_at = now()
                WHERE status IN ('running', 'pausing', 'cancelling')""") == 1);
    }

    /** One epoch's progress and metrics row, in one transaction; returns the operator's intent. */
    public String recordEpoch(EpochRecord epoch) {
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
                    WHERE id = ? AND attempt = ? AND status IN ('running', 'pausing', 'cancelling')
                    RETURNING desired_state""")) {
                s.setInt(1, epoch.epoch());
                s.setDouble(2, epoch.progressPercent());
                setDouble(s, 3, epoch.trainLoss());
                setDouble(s, 4, epoch.valLoss());
                setDouble(s, 5, epoch.learningRate());
                setDouble(s, 6, epoch.bestValLoss());
                s.setInt(7, epoch.bestEpoch());
                s.setObject(8, jobId);
                s.setInt(9, attempt);
                return returning(s, "record epoch " + epoch.epoch());
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
    public void recordCheckpoint(StoredCheckpoint checkpoint, String kind) {
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
            audit(c, "paused after epoch " + checkpoint.epoch());
            insertCheckpoint(c, checkpoint, "pause");
            int paused = fencedUpdate(c, """
                    UPDATE training_jobs
                    SET status = 'paused', pause_checkpoint_path = ?, pause_checkpoint_sha256 = ?,
                        pause_checkpoint_size = ?, pause_checkpoint_epoch = ?, heartbeat_at = now()
                    WHERE status = 'pausing'""",
                    checkpoint.uri(), checkpoint.sha256(), checkpoint.sizeBytes(), checkpoint.epoch());
            if (paused == 1) {
                return true;
            }
            if ("cancelling".equals(statusOf(c).orElse(null))) {
                c.rollback();
                return false;
            }
            throw new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not commit its pause");
        });
    }

    public void complete(StoredCheckpoint finalModel, String reason) {
        db.inTransaction(c -> {
            audit(c, reason);
            insertCheckpoint(c, finalModel, "final");
            requireOneRow(fencedUpdate(c, """
                    UPDATE training_jobs
                    SET status = 'completed', progress_percent = 100, completed_at = now(), heartbeat_at = now()
                    WHERE status IN ('running', 'pausing')"""), "complete");
            return null;
        });
    }

    public void cancel(String reason) {
        db.inTransaction(c -> {
            audit(c, reason);
            requireOneRow(fencedUpdate(c, """
                    UPDATE training_jobs SET status = 'cancelled', completed_at = now(), heartbeat_at = now()
                    WHERE status = 'cancelling'"""), "cancel");
            return null;
        });
    }

    /** Records the failure; returns false when this attempt no longer owns the job. */
    public boolean fail(String message) {
        return db.inTransaction(c -> {
            audit(c, "driver failed");
            return fencedUpdate(c, """
                    UPDATE training_jobs SET status = 'failed', error_message = ?, completed_at = now(),
                           heartbeat_at = now()
                    WHERE status IN ('pending', 'queued', 'running', 'pausing', 'cancelling')""", message) == 1;
        });
    }

    /** A synthetic-data job's result: the dataset row, and COMPLETED, in one transaction. */
    public void completeWithDataset(UUID datasetId, String name, String uri, long numSamples,
                                    List<String> features, List<String> labels) {
        db.inTransaction(c -> {
            audit(c, "dataset generated");
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO datasets (id, name, uri, num_samples, feature_columns, label_columns, task,
                                          created_by_job_id)
                    VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), 'regression', ?)""")) {
                s.setObject(1, datasetId);
                s.setString(2, name);
                s.setString(3, uri);
                s.setLong(4, numSamples);
                s.setString(5, JSON.writeValueAsString(features));
                s.setString(6, JSON.writeValueAsString(labels));
                s.setObject(7, jobId);
                s.executeUpdate();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            requireOneRow(fencedUpdate(c, """
                    UPDATE training_jobs SET status = 'completed', progress_percent = 100, dataset_id = ?,
                           completed_at = now(), heartbeat_at = now()
                    WHERE status = 'running'""", datasetId), "complete");
            return null;
        });
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

    private void insertCheckpoint(Connection c, StoredCheckpoint checkpoint, String kind) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind, write_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setObject(1, jobId);
            s.setInt(2, checkpoint.epoch());
            s.setInt(3, attempt);
            s.setString(4, checkpoint.uri());
            s.setString(5, checkpoint.sha256());
            s.setLong(6, checkpoint.sizeBytes());
            s.setString(7, kind);
            s.setLong(8, checkpoint.writeMillis());
            s.executeUpdate();
        }
    }

    private Optional<String> statusOf(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT status FROM training_jobs WHERE id = ? AND attempt = ?")) {
            s.setObject(1, jobId);
            s.setInt(2, attempt);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
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

    private static List<String> strings(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return JSON.readValue(json, STRINGS);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("Unreadable column list " + json, e);
        }
    }
}
