package dev.pausable.contract;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Reads the shared tables' rows, the same way in both processes ({@code SELECT *} of the table). */
public final class Rows {

    /** The JSON columns' decoding, from whichever Jackson the process has. */
    public interface JsonColumns {
        Map<String, String> stringMap(String json);

        List<String> stringList(String json);
    }

    private Rows() {
    }

    public static TrainingJob job(ResultSet rs, JsonColumns json) throws SQLException {
        return job(rs, json, null);
    }

    /** The row with its place in the admission queue, which the control plane computes in its query. */
    public static TrainingJob job(ResultSet rs, JsonColumns json, Integer queuePosition) throws SQLException {
        return new TrainingJob(
                rs.getObject("id", UUID.class),
                rs.getString("job_name"),
                JobType.fromWire(rs.getString("job_type")),
                JobStatus.fromWire(rs.getString("status")),
                DesiredState.fromWire(rs.getString("desired_state")),
                rs.getString("config"),
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
                json.stringMap(rs.getString("spark_conf")),
                rs.getString("spark_driver_id"),
                rs.getInt("restart_count"),
                rs.getString("restart_reason"),
                rs.getString("latest_checkpoint_uri"),
                rs.getString("latest_checkpoint_sha256"),
                nullableLong(rs, "latest_checkpoint_size"),
                nullableInt(rs, "latest_checkpoint_epoch"),
                rs.getString("latest_checkpoint_kind") == null ? null
                        : CheckpointKind.fromWire(rs.getString("latest_checkpoint_kind")),
                nullableInt(rs, "pause_checkpoint_round"),
                nullableInt(rs, "latest_checkpoint_round"),
                PauseAt.fromWire(rs.getString("pause_at")),
                rs.getInt("current_round"),
                nullableInt(rs, "rounds_per_epoch"),
                rs.getString("owner"),
                rs.getInt("priority"),
                queuePosition);
    }

    public static Checkpoint checkpoint(ResultSet rs) throws SQLException {
        return new Checkpoint(rs.getLong("id"), rs.getInt("epoch"), rs.getInt("round"), rs.getInt("attempt"), rs.getString("uri"),
                rs.getString("sha256"), rs.getLong("size_bytes"), CheckpointKind.fromWire(rs.getString("kind")),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("deleted_at", OffsetDateTime.class),
                nullableLong(rs, "write_ms"));
    }

    public static Dataset dataset(ResultSet rs, JsonColumns json) throws SQLException {
        return new Dataset(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("uri"),
                DatasetFormat.fromWire(rs.getString("format")),
                nullableLong(rs, "num_samples"),
                json.stringList(rs.getString("feature_columns")),
                integers(rs.getArray("feature_shape")),
                json.stringList(rs.getString("label_columns")),
                DatasetTask.fromWire(rs.getString("task")),
                rs.getObject("created_by_job_id", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class));
    }

    private static List<Integer> integers(Array array) throws SQLException {
        return array == null ? null : List.of((Integer[]) array.getArray());
    }

    public static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
