package dev.pausable.trainer;

import java.util.UUID;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A network that draws random numbers while it trains (dropout on its hidden layers): every worker's
 * draws in a round are seeded from the round and the worker, so two runs train alike and a run paused
 * and resumed, at an epoch or within one, is bit-identical to an uninterrupted twin.
 */
class DropoutNetworkIT extends TrainingRuns {

    private static UUID dataset;

    @BeforeAll
    static void generateDataset() {
        dataset = TrainerFixture.get().generateDataset(2400, 6, 400, 2.0);
    }

    /** Two hidden layers that keep each activation with probability 0.8 while training. */
    static String withDropout() {
        return new NeuralNetConfiguration.Builder().seed(79).updater(new Adam(0.005)).list()
                .layer(new DenseLayer.Builder().nIn(6).nOut(16).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new DenseLayer.Builder().nIn(16).nOut(16).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(16).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build()
                .toJson();
    }

    @Override
    protected UUID newJob(int workers) {
        return fx.insertJob("training", """
                {"dataset_id": "%s", "epochs": %d, "batch_size": 32, "seed": 99, "workers": %d,
                 "validation_split": 0.2, "model": {"type": "dl4j", "configuration": %s},
                 "early_stop_patience": 50, "averaging_frequency": 3, "checkpoint_every_epochs": 1,
                 "keep_checkpoints": 10}""".formatted(dataset, EPOCHS, workers, withDropout()), dataset, EPOCHS);
    }

    @Test
    void twoRunsTrainIdentically() throws Exception {
        assertTrainIdentically(newJob(2), newJob(2));
    }

    @Test
    void pausedWithinAnEpochAndResumedItIsBitIdenticalToAnUninterruptedTwin() throws Exception {
        pauseWithinAnEpochResumeAndCompareWithATwin(3);
    }
}
