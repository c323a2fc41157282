package dev.pausable.contract;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A Parquet or CSV dataset the trainer can read, as stored in {@code datasets}; registered by hand or by a synthetic-data job. */
public record Dataset(UUID id, String name, String uri, DatasetFormat format, Long numSamples,
                      List<String> featureColumns, List<String> labelColumns, DatasetTask task, UUID createdByJobId,
                      OffsetDateTime createdAt) {
}
