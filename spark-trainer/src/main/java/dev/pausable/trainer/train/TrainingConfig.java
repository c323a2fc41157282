package dev.pausable.trainer.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.UUID;

/**
 * A training job's config as the control plane stored it (normalized, defaults applied). Field
 * meanings and ranges are documented on the control plane's {@code TrainingConfig}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingConfig(
        UUID datasetId,
        int epochs,
        int batchSize,
        double learningRate,
        long seed,
        int workers,
        double validationSplit,
        List<Integer> hiddenLayers,
        String optimizer,
        LrSchedule lrSchedule,
        int earlyStopPatience,
        int averagingFrequency,
        int checkpointEveryEpochs) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LrSchedule(String type, Double gamma, Integer stepEpochs) {
    }
}
