package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pausable.contract.DatasetFormat;
import dev.pausable.trainer.Trainer;
import dev.pausable.trainer.TrainerFixture;
import dev.pausable.trainer.data.Standardization;
import dev.pausable.trainer.data.TrainingData;
import java.util.List;
import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/** The validation loss scored on the executors is the loss a single JVM computes over the same rows. */
class ValidationLossIT {

    private final TrainerFixture fx = TrainerFixture.get();

    @Test
    void scoredOnTheExecutorsItEqualsTheSingleJvmComputation() throws Exception {
        UUID dataset = fx.generateDataset(4000, 4, 400, 2.0);
        String uri = fx.queryString("SELECT uri FROM datasets WHERE id = ?", dataset);
        var config = Trainer.trainingConfig("""
                {"dataset_id": "%s", "epochs": 1, "batch_size": 32, "learning_rate": 0.01, "seed": 3, "workers": 2,
                 "validation_split": 0.25, "hidden_layers": [8], "optimizer": "adam"}""".formatted(dataset));
        TrainingData data = TrainingData.load(fx.spark, uri, DatasetFormat.PARQUET, List.of("rss_0", "rss_1", "rss_2", "rss_3"),
                null, List.of("x", "y"), 3, 0.25, 2, 128, new long[] {4});
        try {
            Standardization stats = data.standardization();
            MultiLayerNetwork net = ModelFactory.create(config, 4, 2, false);
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(fx.spark.sparkContext());
            JavaRDD<DataSet> batches = data.validationBatches(100, stats);
            assertThat(batches.getNumPartitions()).as("two or three rows a chunk, 64 chunks a task").isGreaterThan(4);

            double onExecutors = ValidationLoss.of(sc, new Network.Stack(net), batches);

            List<DataSet> collected = batches.collect();
            double sum = 0;
            long examples = 0;
            for (DataSet batch : collected) {
                sum += net.score(batch, false) * batch.numExamples();
                examples += batch.numExamples();
            }
            assertThat(examples).isEqualTo(data.validationCount());
            assertThat(onExecutors).as("the same minibatches scored in one JVM").isCloseTo(sum / examples,
                    within(1e-12 * Math.abs(sum / examples)));
            assertThat(onExecutors).as("all rows in one minibatch (float32 inside ND4J)")
                    .isCloseTo(net.score(DataSet.merge(collected), false), within(1e-5 * onExecutors));
            assertThat(ValidationLoss.of(sc, new Network.Stack(net), batches)).as("the same on every run").isEqualTo(onExecutors);
        } finally {
            data.release();
        }
    }
}
