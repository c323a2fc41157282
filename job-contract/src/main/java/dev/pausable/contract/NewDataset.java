package dev.pausable.contract;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A dataset to register, validated the same way whoever registers it: the API for an existing
 * dataset, the trainer for one it generated. Both insert it with {@link #INSERT}.
 */
public record NewDataset(String name, String uri, DatasetFormat format, Long numSamples, List<String> featureColumns,
                         List<Integer> featureShape, List<String> labelColumns, DatasetTask task) {

    /** The most values one example's array may hold (a 1024 × 1024 spectrogram). */
    public static final int MAX_FEATURE_ELEMENTS = 1 << 20;

    /**
     * Parameters in order: id, name, uri, format, num_samples, feature_columns (JSON), feature_shape (a
     * PostgreSQL array literal or null), label_columns (JSON), task, created_by_job_id. Inserting the same id
     * again does nothing (a retried transaction).
     */
    public static final String INSERT = """
            INSERT INTO datasets (id, name, uri, format, num_samples, feature_columns, feature_shape, label_columns,
                                  task, created_by_job_id)
            VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS integer[]), CAST(? AS jsonb), ?, ?)
            ON CONFLICT (id) DO NOTHING""";

    /** The id of the dataset a synthetic-data job registers: one per job, whichever attempt completes it. */
    public static UUID generatedBy(UUID jobId) {
        return UUID.nameUUIDFromBytes(("pausable-generated-dataset:" + jobId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks every field; {@code format} null means Parquet, {@code task} null regression. Fields are named as
     * in the API. {@code featureShape}, when given, makes the one feature column an array of numbers (Parquet
     * {@code array<float|double>}; in CSV a cell of numbers separated by spaces or semicolons) of that shape:
     * {@code [n]}, {@code [features, time]} or {@code [channels, height, width]}, the values in row-major order.
     */
    public static NewDataset validated(String name, String uri, String format, Long numSamples,
                                       List<String> featureColumns, List<Integer> featureShape,
                                       List<String> labelColumns, String task) {
        if (name == null || name.isBlank() || name.length() > 200) {
            throw new FieldException("name", "must be 1 to 200 characters");
        }
        if (uri == null) {
            throw new FieldException("uri", "is required");
        }
        StorageUris.requireSupported("uri", uri);
        DatasetFormat parsedFormat;
        try {
            parsedFormat = format == null ? DatasetFormat.PARQUET : DatasetFormat.fromWire(format);
        } catch (IllegalArgumentException e) {
            throw new FieldException("format", "must be " + Wire.alternatives(DatasetFormat.values()));
        }
        List<String> features = columns("feature_columns", featureColumns);
        List<String> labels = columns("label_columns", labelColumns);
        Set<String> overlap = new HashSet<>(features);
        overlap.retainAll(labels);
        if (!overlap.isEmpty()) {
            throw new FieldException("label_columns", "must not repeat feature columns " + overlap);
        }
        if (numSamples != null && numSamples < 0) {
            throw new FieldException("num_samples", "must not be negative");
        }
        DatasetTask parsedTask;
        try {
            parsedTask = task == null ? DatasetTask.REGRESSION : DatasetTask.fromWire(task);
        } catch (IllegalArgumentException e) {
            throw new FieldException("task", "must be " + Wire.alternatives(DatasetTask.values()));
        }
        return new NewDataset(name, uri, parsedFormat, numSamples, features, shape(featureShape, features), labels,
                parsedTask);
    }

    private static List<Integer> shape(List<Integer> shape, List<String> features) {
        if (shape == null) {
            return null;
        }
        if (shape.isEmpty() || shape.size() > 3) {
            throw new FieldException("feature_shape", "must have 1 to 3 dimensions ([n], [features, time] or "
                    + "[channels, height, width])");
        }
        if (shape.stream().anyMatch(d -> d == null || d < 1 || d > MAX_FEATURE_ELEMENTS)) {
            throw new FieldException("feature_shape", "must list sizes from 1 to " + MAX_FEATURE_ELEMENTS);
        }
        if (shape.stream().mapToLong(Integer::longValue).reduce(1, Math::multiplyExact) > MAX_FEATURE_ELEMENTS) {
            throw new FieldException("feature_shape", "must hold at most " + MAX_FEATURE_ELEMENTS + " values");
        }
        if (features.size() != 1) {
            throw new FieldException("feature_shape", "needs exactly one feature column, the array column; "
                    + "feature_columns lists " + features.size());
        }
        return List.copyOf(shape);
    }

    /** Values in an array of {@code shape}. */
    public static int elements(List<Integer> shape) {
        return shape.stream().mapToInt(Integer::intValue).reduce(1, Math::multiplyExact);
    }

    /** The parameters of {@link #INSERT}; {@code json} writes a list of column names as a JSON array. */
    public List<Object> insertParameters(UUID id, UUID createdByJobId, Function<List<String>, String> json) {
        String shape = featureShape == null ? null : featureShape.stream().map(String::valueOf)
                .collect(Collectors.joining(",", "{", "}"));
        return Arrays.asList(id, name, uri, format.wire(), numSamples, json.apply(featureColumns), shape,
                json.apply(labelColumns), task.wire(), createdByJobId);
    }

    private static List<String> columns(String field, List<String> columns) {
        if (columns == null || columns.isEmpty()) {
            throw new FieldException(field, "must list at least one column");
        }
        if (columns.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new FieldException(field, "must not contain blank column names");
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            throw new FieldException(field, "must not contain duplicates");
        }
        return List.copyOf(columns);
    }
}
