package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.train.Network;
import dev.pausable.trainer.train.Outcome;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/**
 * Jobs that bring their own DL4J network ({@code model.type} dl4j): a ComputationGraph of two branches
 * merged, trained by parameter averaging with everything a built-in network is promised: pause at an
 * epoch or a round and resume bit-identical at 1, 2 and 3 workers, every counter restored, the learning
 * rate following the network's own schedule, and a checkpoint plain DL4J tooling loads.
 */
class OwnNetworksIT extends TrainingRuns {

    private static UUID dataset;

    @BeforeAll
    static void generateDataset() {
        dataset = TrainerFixture.get().generateDataset(2400, 6, 400, 2.0);
    }

    /** A wide and a deep branch of the 6 features, merged, and a regression head for (x, y). */
    static String twoBranches() {
        return new NeuralNetConfiguration.Builder().seed(77)
                .updater(new Adam(new StepSchedule(ScheduleType.EPOCH, 0.01, 0.5, 2)))
                .graphBuilder()
                .addInputs("rss")
                .addLayer("wide", new DenseLayer.Builder().nIn(6).nOut(16).activation(Activation.RELU).build(), "rss")
                .addLayer("deep1", new DenseLayer.Builder().nIn(6).nOut(8).activation(Activation.TANH).build(), "rss")
                .addLayer("deep2", new DenseLayer.Builder().nIn(8).nOut(8).activation(Activation.RELU).build(), "deep1")
                .addVertex("merged", new MergeVertex(), "wide", "deep2")
                .addLayer("xy", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(24).nOut(2)
                        .activation(Activation.IDENTITY).build(), "merged")
                .setOutputs("xy")
                .build()
                .toJson();
    }

    /** The same kind of job with a MultiLayerConfiguration of its own (momentum SGD, no schedule). */
    static String stack() {
        return new NeuralNetConfiguration.Builder().seed(78).updater(new Nesterovs(0.005, 0.9)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(12).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(12).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build()
                .toJson();
    }

    private static String config(int workers, String configuration) {
        return """
                {"dataset_id": "%s", "epochs": %d, "batch_size": 32, "seed": 1234, "workers": %d,
                 "validation_split": 0.2, "model": {"type": "dl4j", "configuration": %s},
                 "early_stop_patience": 50, "averaging_frequency": 3, "checkpoint_every_epochs": 1,
                 "keep_checkpoints": 10}""".formatted(dataset, EPOCHS, workers, configuration);
    }

    @Override
    protected UUID newJob(int workers) {
        return fx.insertJob("training", config(workers, twoBranches()), dataset, EPOCHS);
    }

    @Test
    void aGraphTrainsOnItsOwnScheduleAndItsModelLoadsWithPlainDl4j() throws Exception {
        UUID job = newJob(2);
        Outcome outcome = run(job, 1, null);

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(fx.queryStrings("SELECT learning_rate FROM training_metrics WHERE job_id = ? ORDER BY epoch", job))
                .as("the network's own step schedule").containsExactly("0.01", "0.01", "0.005", "0.005", "0.0025");
        assertThat(Double.parseDouble(fx.queryString("SELECT best_val_loss FROM training_jobs WHERE id = ?", job)))
                .as("it learns").isLessThan(Double.parseDouble(fx.queryString(
                        "SELECT val_loss FROM training_metrics WHERE job_id = ? AND epoch = 1", job)));
        String uri = ((Outcome.Completed) outcome).modelUri();
        CheckpointCodec.Restored model = load(uri);
        assertThat(model.network()).isInstanceOf(Network.Graph.class);
        assertThat(model.network().epochCount()).isEqualTo(EPOCHS);

        byte[] bytes = Files.readAllBytes(Path.of(URI.create(uri)));
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), true);
        assertThat(plain.params().toFloatVector()).isEqualTo(model.network().params().toFloatVector());
        assertThat(plain.getConfiguration().getVertices()).containsKeys("wide", "deep1", "deep2", "merged", "xy");
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void aGraphPausedAtAnEpochAndResumedIsBitIdenticalToAnUninterruptedOne(int workers) throws Exception {
        pauseAtAnEpochResumeAndCompareWithATwin(workers);
    }

    @Test
    void aGraphPausedWithinAnEpochAndResumedAtTheNextRoundIsBitIdenticalToAnUninterruptedOne() throws Exception {
        pauseWithinAnEpochResumeAndCompareWithATwin(2);
    }

    @Test
    void aMultiLayerConfigurationOfItsOwnTrainsWithItsOwnUpdater() throws Exception {
        UUID job = fx.insertJob("training", config(2, stack()), dataset, EPOCHS);
        Outcome outcome = run(job, 1, null);

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(fx.queryStrings("SELECT DISTINCT learning_rate FROM training_metrics WHERE job_id = ?", job))
                .containsExactly("0.005");
        byte[] bytes = Files.readAllBytes(Path.of(URI.create(((Outcome.Completed) outcome).modelUri())));
        MultiLayerNetwork plain = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
        assertThat(plain.getLayerWiseConfigurations().getConf(0).getSeed()).isEqualTo(78);
        assertThat(plain.getLayerWiseConfigurations().getEpochCount()).isEqualTo(EPOCHS);
    }
}
