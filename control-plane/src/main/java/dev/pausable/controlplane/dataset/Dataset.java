package dev.pausable.controlplane.dataset;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A Parquet dataset the trainer can read; registered by hand or by a synthetic-data job. */
public record Dataset(UUID id, String name, String uri, Long numSamples, List<String> featureColumns,
                      List<String> labelColumns, String task, UUID createdByJobId, OffsetDateTime createdAt) {
}
