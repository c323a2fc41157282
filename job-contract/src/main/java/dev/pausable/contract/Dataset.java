package dev.pausable.contract;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A Parquet or CSV dataset the trainer can read, as stored in {@code datasets}; registered by hand or by a
 * synthetic-data job. {@code featureShape}: null when the feature columns are scalars; else the shape of
 * each example's values in the one feature column, an array (see {@link NewDataset#validated}).
 */
public record Dataset(UUID id, String name, String uri, DatasetFormat format, Long numSamples,
                      List<String> featureColumns, List<Integer> featureShape, List<String> labelColumns,
                      DatasetTask task, UUID createdByJobId, OffsetDateTime createdAt) {

    /** Feature values per example: the feature columns, or the elements of the shape. */
    public int featureCount() {
        return featureShape == null ? featureColumns.size() : NewDataset.elements(featureShape);
    }
}
