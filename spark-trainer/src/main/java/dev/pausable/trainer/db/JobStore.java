package dev.pausable.trainer.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pausable.contract.AuditKind;
import dev.pausable.contract.Checkpoint;
import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.Dataset;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.NewDataset;
import dev.pausable.contract.PauseAt;
import dev.pausable.contract.Retention;
import dev.pausable.contract.Rows;
import dev.pausable.contract.StatusChange;
import dev.pausable.contract.SubmissionTag;
import dev.pausable.contract.TrainerStatusWrite;
import dev.pausable.contract.TrainingJob;
import dev.pausable.contract.Wire;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
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
    private volatile IntentListener intents;

    public JobStore(Database db, UUID jobId, int attempt) {
        this.db = db;
        this.jobId = jobId;
        this.attempt = attempt;
        this.actor = "trainer:attempt-" + attempt;
    }

    public UUID jobId() {
        return jobId;
    }

    /** Listens for this job's intent changes until closed (see {@link #intentMayHaveChanged()}). */
    public AutoCloseable listenForIntents() {
        IntentListener listener = IntentListener.start(db, jobId);
        intents = listener;
        return () -> {
            intents = null;
            listener.close();
        };
    }

    /**
     * True once after the database announced a change of this job's desired state or pause boundary:
     * time to read the intent now rather than at the next timed round report.
     */
    public boolean intentMayHaveChanged() {
        IntentListener listener = intents;
        return listener != null && listener.changed();
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

    /** What the operator wants, and, for a pause, at which boundary. */
    public record Intent(DesiredState desired, PauseAt at) {

        public static final Intent RUNNING = new Intent(DesiredState.RUNNING, PauseAt.EPOCH);

        /** Stop at the next round boundary: a cancel, or a pause asked for at a round. */
        public boolean stopsAtRound() {
            return desired == DesiredState.CANCELLED || desired == DesiredState.PAUSED && at == PauseAt.ROUND;
        }
    }

    /** The operator's intent for this attempt's job (read without writing). */
    public DesiredState intent() {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT desired_state FROM training_jobs WHERE id = ? AND attempt = ?")) {
                s.setObject(1, jobId);
                s.setInt(2, attempt);
                return DesiredState.fromWire(returning(s, "read its intent"));
            }
        });
    }

    /** One epoch's progress and metrics row, in one transaction; returns the operator's intent. */
    public Intent recordEpoch(EpochRecord epoch) {
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
                        best_val_loss = ?, best_epoch = ?, current_round = 0, heartbeat_at = now()
                    WHERE id = ? AND attempt = ? AND %s
                    RETURNING desired_state, pause_at""".formatted(HEARTBEATING))) {
                s.setInt(1, epoch.epoch());
                s.setDouble(2, epoch.progressPercent());
                setDouble(s, 3, epoch.trainLoss());
                setDouble(s, 4, epoch.valLoss());
                setDouble(s, 5, epoch.learningRate());
                setDouble(s, 6, epoch.bestValLoss());
                s.setInt(7, epoch.bestEpoch());
                s.setObject(8, jobId);
                s.setInt(9, attempt);
                return intent(s, "record epoch " + epoch.epoch());
            }
        });
    }

    /**
     * Where training stands within the epoch after {@code lastCompletedEpoch}: {@code done} of
     * {@code rounds} rounds, with the last round's train loss (a sample for dashboards); the UPDATE also proves
     * the driver alive and returns the operator's intent. A stale attempt's sample is rolled back with it.
     */
    public Intent recordRound(int lastCompletedEpoch, int done, int rounds, double progressPercent, double trainLoss) {
        return db.inTransaction(c -> {
            try (PreparedStatement sample = c.prepareStatement("""
                    INSERT INTO round_losses (job_id, attempt, epoch, round, rounds, train_loss)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (job_id, attempt, epoch, round) DO NOTHING""")) {
                sample.setObject(1, jobId);
                sample.setInt(2, attempt);
                sample.setInt(3, lastCompletedEpoch + 1);
                sample.setInt(4, done);
                sample.setInt(5, rounds);
                setDouble(sample, 6, trainLoss);
                sample.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE training_jobs
                    SET current_round = ?, rounds_per_epoch = ?, progress_percent = ?, heartbeat_at = now()
                    WHERE id = ? AND attempt = ? AND %s
                    RETURNING desired_state, pause_at""".formatted(HEARTBEATING))) {
                s.setInt(1, done);
                s.setInt(2, rounds);
                s.setDouble(3, progressPercent);
                s.setObject(4, jobId);
                s.setInt(5, attempt);
                return intent(s, "record round " + done + " of epoch " + (lastCompletedEpoch + 1));
            }
        });
    }

    /**
     * The seed's rule: once the resumed attempt has committed its first epoch, the job no longer shows a
     * pause checkpoint. Its object and row stay: it remains the latest checkpoint until a newer one is
     * committed (see {@link Retention}).
     */
    public void clearPauseCheckpoint() {
        db.inTransaction(c -> {
            int cleared = fencedUpdate(c, """
                    UPDATE training_jobs
                    SET pause_checkpoint_path = NULL, pause_checkpoint_sha256 = NULL,
                        pause_checkpoint_size = NULL, pause_checkpoint_epoch = NULL, pause_checkpoint_round = NULL
                    WHERE pause_checkpoint_path IS NOT NULL""");
            if (cleared == 0 && statusOf(c).isEmpty()) {
                throw new StaleAttemptException("Job " + jobId + " attempt " + attempt
                        + " could not clear its pause checkpoint: a newer attempt owns the job");
            }
            return null;
        });
    }

    /** A live checkpoint of this job by its URI, as committed; empty if there is none (or it was released). */
    public Optional<CommittedCheckpoint> committedCheckpoint(String uri) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT * FROM checkpoints WHERE job_id = ? AND uri = ? AND deleted_at IS NULL")) {
                s.setObject(1, jobId);
                s.setString(2, uri);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.checkpoint(rs).committed()) : Optional.empty();
                }
            }
        });
    }

    /**
     * Records a periodic or best checkpoint (no status change) and releases what it supersedes, in one
     * transaction. Returns the released objects' URIs: their rows say deleted, the objects go next.
     */
    public List<String> commitCheckpoint(StoredCheckpoint checkpoint, CheckpointKind kind, Retention retention) {
        return db.inTransaction(c -> release(c, insertCheckpoint(c, checkpoint, kind), retention));
    }

    /**
     * Commits the pause: the checkpoint row and PAUSED with its URI, size and SHA-256, in one
     * transaction, releasing what the checkpoint supersedes. Returns the released objects' URIs, or
     * empty when the operator cancelled meanwhile (the job is CANCELLING; nothing was written).
     */
    public Optional<List<String>> commitPause(StoredCheckpoint checkpoint, Retention retention) {
        return db.inTransaction(c -> {
            CommittedCheckpoint committed = checkpoint.committed();
            audit(c, "paused " + CommittedCheckpoint.boundary(committed.epoch(), committed.round()));
            List<String> released = release(c, insertCheckpoint(c, checkpoint, CheckpointKind.PAUSE), retention);
            int paused = statusWrite(c, TrainerStatusWrite.COMMIT_PAUSE, """
                    pause_checkpoint_path = ?, pause_checkpoint_sha256 = ?, pause_checkpoint_size = ?,
                    pause_checkpoint_epoch = ?, pause_checkpoint_round = ?, current_round = ?, heartbeat_at = now()""",
                    committed.uri(), committed.sha256(), committed.sizeBytes(), committed.epoch(), committed.round(),
                    committed.round());
            if (paused == 1) {
                return Optional.of(released);
            }
            if (statusOf(c).orElse(null) == JobStatus.CANCELLING) {
                c.rollback();
                return Optional.empty();
            }
            throw new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not commit its pause");
        });
    }

    /**
     * A preempted driver's last write: its checkpoint (if one could be written) and the job handed to the
     * next attempt, PENDING with {@code restart_reason} {@value TrainerStatusWrite#PREEMPTED}, in one
     * transaction; the control plane submits that attempt. Returns the URIs of the released checkpoints.
     */
    public List<String> handOver(StoredCheckpoint checkpoint, String where, Retention retention) {
        return db.inTransaction(c -> {
            audit(c, "preempted " + where + "; attempt " + (attempt + 1) + " resumes from "
                    + (checkpoint == null ? "the latest committed checkpoint" : "its checkpoint"));
            List<String> released = checkpoint == null ? List.of()
                    : release(c, insertCheckpoint(c, checkpoint, CheckpointKind.PERIODIC), retention);
            requireOneRow(statusWrite(c, TrainerStatusWrite.HAND_OVER, """
                    attempt = attempt + 1, submission_id = ?, restart_reason = ?, spark_app_id = NULL,
                    spark_driver_id = NULL, error_message = NULL, heartbeat_at = now()""",
                    SubmissionTag.of(jobId, attempt + 1), TrainerStatusWrite.PREEMPTED), "hand the job over");
            return released;
        });
    }

    /** The final model and COMPLETED in one transaction; returns the URIs of the released checkpoints. */
    public List<String> complete(StoredCheckpoint finalModel, String reason, Retention retention) {
        return db.inTransaction(c -> {
            audit(c, reason);
            List<String> released = release(c, insertCheckpoint(c, finalModel, CheckpointKind.FINAL), retention);
            requireOneRow(statusWrite(c, TrainerStatusWrite.COMPLETE_TRAINING,
                    "progress_percent = 100, completed_at = now(), heartbeat_at = now()"), "complete");
            return released;
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

    /**
     * A problem the job goes on with (a checkpoint that could not be written), or a failure a retry may
     * fix (the control plane then restarts the job from its latest checkpoint, or fails it past the
     * restart budget): the reason is on the job ({@code error_message}) until the next checkpoint is
     * committed, and in the audit trail for good; no status change. Returns false when this attempt no
     * longer owns the job.
     */
    public boolean recordProblem(String message) {
        return db.inTransaction(c -> {
            if (fencedUpdate(c, "UPDATE training_jobs SET error_message = ? WHERE "
                    + StatusChange.to(JobStatus.FAILED, JobStatus.UNSETTLED).condition(), message) != 1) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO job_events (job_id, event_type, to_value, actor, reason, epoch, attempt)
                    SELECT id, ?, status, ?, ?, current_epoch, attempt FROM training_jobs WHERE id = ?""")) {
                s.setString(1, AuditKind.PROBLEM.wire());
                s.setString(2, actor);
                s.setString(3, message);
                s.setObject(4, jobId);
                s.executeUpdate();
            }
            return true;
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
        int rows = fencedUpdate(c, "UPDATE training_jobs SET " + change.assignment() + ", " + assignments
                + " WHERE " + change.condition(), params);
        // Idempotent per attempt: a transaction retried because its commit's answer was lost finds its own
        // write already there (only this attempt moves its job to these statuses).
        return rows == 0 && statusOf(c).orElse(null) == change.to() ? 1 : rows;
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

    /** Inserts the checkpoint's row if this attempt still drives the job; else nothing is written. */
    private Checkpoint insertCheckpoint(Connection c, StoredCheckpoint stored, CheckpointKind kind) throws SQLException {
        CommittedCheckpoint checkpoint = stored.committed();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO checkpoints (job_id, epoch, round, attempt, uri, sha256, size_bytes, kind, write_ms)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM training_jobs WHERE id = ? AND attempt = ? AND %s
                ON CONFLICT (uri) DO NOTHING
                RETURNING *""".formatted(HEARTBEATING))) {
            s.setObject(1, jobId);
            s.setInt(2, checkpoint.epoch());
            s.setInt(3, checkpoint.round());
            s.setInt(4, attempt);
            s.setString(5, checkpoint.uri());
            s.setString(6, checkpoint.sha256());
            s.setLong(7, checkpoint.sizeBytes());
            s.setString(8, kind.wire());
            s.setLong(9, stored.writeMillis());
            s.setObject(10, jobId);
            s.setInt(11, attempt);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return Rows.checkpoint(rs);
                }
            }
        }
        // A retry of this attempt's own committed write finds its row; anything else means another owner.
        try (PreparedStatement s = c.prepareStatement(
                "SELECT * FROM checkpoints WHERE uri = ? AND job_id = ? AND attempt = ?")) {
            s.setString(1, checkpoint.uri());
            s.setObject(2, jobId);
            s.setInt(3, attempt);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return Rows.checkpoint(rs);
                }
            }
        }
        throw new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not record " + kind.wire()
                + " checkpoint " + checkpoint.uri() + ": a newer attempt or an operator owns the job");
    }

    /** Marks the checkpoints {@code committed} supersedes as deleted; returns their URIs (objects go after commit). */
    private List<String> release(Connection c, Checkpoint committed, Retention retention) throws SQLException {
        List<Checkpoint> live = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT * FROM checkpoints WHERE job_id = ? AND deleted_at IS NULL FOR UPDATE")) {
            s.setObject(1, jobId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    live.add(Rows.checkpoint(rs));
                }
            }
        }
        List<Checkpoint> released = retention.superseded(live, committed);
        fencedUpdate(c, "UPDATE training_jobs SET error_message = NULL WHERE error_message IS NOT NULL");
        try (PreparedStatement s = c.prepareStatement("UPDATE checkpoints SET deleted_at = now(), deleted_reason = ?"
                + " WHERE id = ? AND deleted_at IS NULL")) {
            for (Checkpoint checkpoint : released) {
                s.setString(1, "superseded by " + committed.kind().wire() + " checkpoint of "
                        + committed.committed().position());
                s.setLong(2, checkpoint.id());
                s.addBatch();
            }
            s.executeBatch();
        }
        return released.stream().map(Checkpoint::uri).toList();
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

    private Intent intent(PreparedStatement s, String what) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw stale(what);
            }
            return new Intent(DesiredState.fromWire(rs.getString(1)), PauseAt.fromWire(rs.getString(2)));
        }
    }

    private StaleAttemptException stale(String what) {
        return new StaleAttemptException("Job " + jobId + " attempt " + attempt + " could not " + what
                + ": a newer attempt or an operator owns the job");
    }

    private String returning(PreparedStatement s, String what) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                throw stale(what);
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
