package dev.pausable.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.TrainingConfig;
import dev.pausable.trainer.train.ModelFactory;
import dev.pausable.trainer.train.Network;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.UUID;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointCodecTest {

    private static final TrainingConfig CONFIG = new TrainingConfig(UUID.randomUUID(), 4, 8, 0.01, 3L, 1, 0.2,
            List.of(5), null, "adam", new TrainingConfig.LrSchedule("exponential", 0.9, null), 2, 1, 0, 0, 2, true, 3)
            .normalized(1);

    @Test
    void roundTripsWeightsUpdaterCountersNormalizerAndState() throws Exception {
        MultiLayerNetwork net = ModelFactory.create(CONFIG, 3, 2, false);
        net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 8, 3), Nd4j.rand(DataType.FLOAT, 8, 2)));
        net.getLayerWiseConfigurations().setEpochCount(7);
        NormalizerStandardize normalizer = new NormalizerStandardize(
                Nd4j.create(new double[] {1.5, 2.5, 3.5}, new long[] {1, 3}, DataType.DOUBLE),
                Nd4j.create(new double[] {0.1, 0.2, 0.3}, new long[] {1, 3}, DataType.DOUBLE),
                Nd4j.create(new double[] {10, 20}, new long[] {1, 2}, DataType.DOUBLE),
                Nd4j.create(new double[] {1, 2}, new long[] {1, 2}, DataType.DOUBLE));
        normalizer.fitLabel(true);
        TrainingState state = new TrainingState(TrainingState.FORMAT_VERSION, "job", 2, 7, 120, 42, 7, 0.125, 5, 2,
                0.0047, 3, "abc", "1.0.0-M2.1");

        byte[] bytes = CheckpointCodec.encode(new Network.Stack(net), normalizer, state);
        CheckpointCodec.Restored restored = CheckpointCodec.decode(bytes);

        assertThat(restored.state()).isEqualTo(state);
        assertThat(restored.network().params().toFloatVector()).isEqualTo(net.params().toFloatVector());
        assertThat(restored.network().updaterState().toFloatVector())
                .isEqualTo(net.getUpdater().getStateViewArray().toFloatVector());
        assertThat(restored.network().epochCount()).isEqualTo(7);
        assertThat(restored.network().iterationCount())
                .isEqualTo(net.getLayerWiseConfigurations().getIterationCount());
        assertThat(restored.normalizer().getStd().toDoubleVector()).containsExactly(0.1, 0.2, 0.3);
        assertThat(restored.normalizer().getLabelMean().toDoubleVector()).containsExactly(10.0, 20.0);

        // Plain DL4J tooling can read the model from the same file.
        MultiLayerNetwork plain = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
        assertThat(plain.params().toFloatVector()).isEqualTo(net.params().toFloatVector());
    }

    @Test
    void refusesAnUnknownFormatVersion() throws Exception {
        MultiLayerNetwork net = ModelFactory.create(CONFIG, 3, 2, false);
        NormalizerStandardize normalizer = new NormalizerStandardize(Nd4j.zeros(DataType.DOUBLE, 1, 3),
                Nd4j.ones(DataType.DOUBLE, 1, 3));
        byte[] bytes = CheckpointCodec.encode(new Network.Stack(net), normalizer, new TrainingState(99, "job", 1, 1, 0, 0, 0, null, 0, 0,
                0.01, 3, "abc", "x"));
        assertThatThrownBy(() -> CheckpointCodec.decode(bytes)).hasMessageContaining("format 99");
    }

    @Test
    void readsAFormatOneCheckpointAsAnEpochBoundary() throws Exception {
        MultiLayerNetwork net = ModelFactory.create(CONFIG, 3, 2, false);
        NormalizerStandardize normalizer = new NormalizerStandardize(Nd4j.zeros(DataType.DOUBLE, 1, 3),
                Nd4j.ones(DataType.DOUBLE, 1, 3));
        byte[] current = CheckpointCodec.encode(new Network.Stack(net), normalizer, new TrainingState(TrainingState.FORMAT_VERSION,
                "job", 1, 4, 0, 0, 0, null, 0, 0, 0.01, 3, "abc", "x"));
        // Format 1, as written before rounds existed: no rounds_completed.
        byte[] formatOne = withState(current, """
                {"format_version": 1, "job_id": "job", "attempt": 1, "last_completed_epoch": 4,
                 "iteration_count": 0, "epoch_count": 0, "best_val_loss": null, "best_epoch": 0,
                 "patience_counter": 0, "learning_rate": 0.01, "data_order_seed": 3, "config_hash": "abc",
                 "dl4j_version": "x"}""");

        TrainingState state = CheckpointCodec.decode(formatOne).state();

        assertThat(state.formatVersion()).isEqualTo(1);
        assertThat(state.lastCompletedEpoch()).isEqualTo(4);
        assertThat(state.roundsCompleted()).isZero();
        assertThat(state.withinEpoch()).isFalse();
    }

    /** The same checkpoint zip with another training-state entry. */
    private static byte[] withState(byte[] checkpoint, String stateJson) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(checkpoint));
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            for (java.util.zip.ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                out.write(CheckpointCodec.STATE_ENTRY.equals(entry.getName())
                        ? stateJson.getBytes(java.nio.charset.StandardCharsets.UTF_8) : in.readAllBytes());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
