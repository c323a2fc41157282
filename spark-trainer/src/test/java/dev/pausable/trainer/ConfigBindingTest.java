package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pausable.contract.FieldException;
import dev.pausable.contract.SyntheticDataConfig;
import dev.pausable.contract.TrainingConfig;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The trainer reads the config the control plane stored through the contract's own types: every field
 * of {@link TrainingConfig} arrives (found by reflection, so a field added to the contract is covered
 * here without any change to the trainer), a field missing from an older stored config arrives with
 * its default, and a field the contract does not know fails loudly instead of reading as "off".
 */
class ConfigBindingTest {

    /** What the control plane stores: the normalized config in snake_case, nulls left out. */
    private static final ObjectMapper STORED = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** Every field away from its default, so a dropped field cannot pass by accident. */
    private static final TrainingConfig CONFIG = new TrainingConfig(UUID.randomUUID(), 7, 48, 0.003, 4242L, 3, 0.25,
            List.of(12, 6), null, "rmsprop", new TrainingConfig.LrSchedule("step", 0.5, 3), 4, 9, 2, 120, 3, false, 7).normalized(1);

    @Test
    void everyContractFieldReachesTheTrainer() throws IOException {
        String stored = STORED.writeValueAsString(CONFIG);
        ObjectNode json = (ObjectNode) STORED.readTree(stored);
        for (RecordComponent field : TrainingConfig.class.getRecordComponents()) {
            String key = PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(field.getName());
            // The old field's layers are stored in the model.
            assertThat(json.has(key)).as("stored config has " + key).isEqualTo(!key.equals("hidden_layers"));
        }
        assertThat(Trainer.trainingConfig(stored)).isEqualTo(CONFIG);
    }

    @Test
    void aFieldMissingFromAnOlderStoredConfigArrivesWithItsDefault() throws IOException {
        ObjectNode older = STORED.valueToTree(CONFIG);
        older.remove("checkpoint_every_epochs");
        older.remove("averaging_frequency");
        TrainingConfig read = Trainer.trainingConfig(older.toString());
        assertThat(read.checkpointEveryEpochs()).isZero();
        assertThat(read.averagingFrequency()).isEqualTo(5);
        assertThat(read.model()).isEqualTo(CONFIG.model());
    }

    @Test
    void aConfigStoredBeforeModelsTrainsTheSameBuiltInNetwork() throws IOException {
        ObjectNode older = STORED.valueToTree(CONFIG);
        older.remove("model");
        older.putArray("hidden_layers").add(12).add(6);
        assertThat(Trainer.trainingConfig(older.toString())).isEqualTo(CONFIG);
        assertThat(CONFIG.model()).isEqualTo(new TrainingConfig.Model("mlp", List.of(12, 6), null, null));
    }

    @Test
    void aDl4jConfigurationArrivesAsTheJsonObjectTheControlPlaneStored() throws IOException {
        ObjectNode dl4j = STORED.valueToTree(CONFIG);
        dl4j.remove(List.of("learning_rate", "optimizer", "lr_schedule"));
        ObjectNode model = dl4j.putObject("model").put("type", "dl4j");
        model.putObject("configuration").put("backpropType", "Standard").putArray("confs").addObject()
                .putObject("layer").put("nin", 3).put("@class", "org.deeplearning4j.nn.conf.layers.OutputLayer");
        TrainingConfig read = Trainer.trainingConfig(dl4j.toString());
        assertThat((Object) STORED.valueToTree(read.model().configuration())).isEqualTo(model.get("configuration"));
        assertThat(read.learningRate()).isNull();
    }

    @Test
    void aFieldTheContractDoesNotKnowIsAnErrorNotAZero() {
        ObjectNode renamed = STORED.valueToTree(CONFIG);
        renamed.put("checkpoint_every_epoch", 2);
        assertThatThrownBy(() -> Trainer.trainingConfig(renamed.toString()))
                .hasMessageContaining("checkpoint_every_epoch");
    }

    @Test
    void aStoredConfigIsValidatedAgainByTheContract() {
        ObjectNode invalid = STORED.valueToTree(CONFIG);
        invalid.put("epochs", 0);
        assertThatThrownBy(() -> Trainer.trainingConfig(invalid.toString()))
                .isInstanceOf(FieldException.class)
                .hasMessage("Field 'config.epochs' must be between 1 and 10000");
    }

    @Test
    void syntheticDataConfigsTakeTheJobNameWhenTheyHaveNoDatasetName() throws IOException {
        SyntheticDataConfig read = Trainer.syntheticDataConfig("{\"num_samples\": 10, \"seed\": 3}", "rss demo");
        assertThat(read.datasetName()).isEqualTo("rss demo");
        assertThat(read.numReceivers()).isEqualTo(8);
        assertThat(read).isEqualTo(new SyntheticDataConfig(10L, 3L, null, null, null, null, null, null, null, null, null)
                .normalized(99, "rss demo"));
    }
}
