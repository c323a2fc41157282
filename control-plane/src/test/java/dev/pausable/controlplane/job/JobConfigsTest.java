package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.SyntheticDataConfig;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.controlplane.web.InvalidFieldException;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class JobConfigsTest {

    private final JobConfigs configs = new JobConfigs();
    private final JsonMapper json = JsonMapper.builder().build();

    private TrainingConfig training(String body) {
        return configs.bind(json.readTree(body), TrainingConfig.class).normalized(99);
    }

    @Test
    void fillsDocumentedDefaultsAndTheGeneratedSeed() {
        TrainingConfig config = training("""
                {"dataset_id": "%s", "epochs": 20, "batch_size": 16, "learning_rate": 0.001}"""
                .formatted(UUID.randomUUID()));
        assertThat(config.seed()).isEqualTo(99);
        assertThat(config.workers()).isEqualTo(2);
        assertThat(config.validationSplit()).isEqualTo(0.2);
        assertThat(config.model()).isEqualTo(new TrainingConfig.Model("mlp", List.of(64, 64), null, null));
        assertThat(config.hiddenLayers()).isNull();
        assertThat(config.optimizer()).isEqualTo("adam");
        assertThat(config.lrSchedule().type()).isEqualTo("none");
        assertThat(config.earlyStopPatience()).isZero();
        assertThat(config.averagingFrequency()).isEqualTo(5);
        assertThat(config.checkpointEveryEpochs()).isZero();
    }

    @Test
    void writesTheNormalizedConfigInSnakeCaseWithoutNulls() {
        TrainingConfig config = training("""
                {"dataset_id": "%s", "epochs": 2, "batch_size": 4, "learning_rate": 0.1,
                 "lr_schedule": {"type": "exponential", "gamma": 0.9}}""".formatted(UUID.randomUUID()));
        String written = configs.write(config);
        assertThat(written).contains("\"batch_size\":4", "\"lr_schedule\":{\"type\":\"exponential\",\"gamma\":0.9}")
                .doesNotContain("null", "step_epochs");
        assertThat(configs.bind(json.readTree(written), TrainingConfig.class)).isEqualTo(config);
    }

    @Test
    void neverCoercesSilently() {
        String id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> training("{\"dataset_id\": \"" + id
                + "\", \"epochs\": \"20\", \"batch_size\": 16, \"learning_rate\": 0.001}"))
                .isInstanceOf(InvalidFieldException.class)
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("config.epochs"));
        assertThatThrownBy(() -> training("{\"dataset_id\": \"" + id
                + "\", \"epochs\": 20, \"batch_size\": 16.7, \"learning_rate\": 0.001}"))
                .isInstanceOf(InvalidFieldException.class)
                .satisfies(e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("config.batch_size"));
    }

    @Test
    void syntheticDefaultsNameTheDatasetAfterTheJob() {
        SyntheticDataConfig config = configs.bind(json.readTree("{\"num_samples\": 500}"), SyntheticDataConfig.class)
                .normalized(5, "rss demo");
        assertThat(config.datasetName()).isEqualTo("rss demo");
        assertThat(config.seed()).isEqualTo(5);
        assertThat(config.numReceivers()).isEqualTo(8);
        assertThat(config.partitions()).isEqualTo(4);
    }
}
