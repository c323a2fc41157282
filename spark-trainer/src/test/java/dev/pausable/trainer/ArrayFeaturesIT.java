package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.trainer.train.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * An array feature column: the synthetic generator's signal windows (6 receivers × 12 samples of received
 * signal strength), trained as a sequence by a recurrent network and as a one-channel image by a
 * convolutional one, with the same exactness as scalar columns.
 */
class ArrayFeaturesIT extends TrainingRuns {

    private static final int RECEIVERS = 6;
    private static final int WINDOW = 12;
    private static UUID windows;

    @BeforeAll
    static void generateDataset() {
        windows = TrainerFixture.get().generateDataset(2400, RECEIVERS, 400, 2.0, WINDOW);
    }

    /** An LSTM over the window's 12 steps of 6 receivers, its last step into a regression head for (x, y). */
    static String recurrent() {
        return new NeuralNetConfiguration.Builder().seed(91).updater(new Adam(0.01)).list()
                .layer(new LastTimeStep(new LSTM.Builder().nOut(8).activation(Activation.TANH).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(RECEIVERS, WINDOW))
                .build()
                .toJson();
    }

    /** 3×3 convolutions over the window as a one-channel 6 × 12 image. */
    static String convolutional() {
        return new NeuralNetConfiguration.Builder().seed(92).updater(new Adam(0.01)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(RECEIVERS, WINDOW, 1))
                .build()
                .toJson();
    }

    private static String config(int workers, UUID dataset, String model) {
        return """
                {"dataset_id": "%s", "epochs": %d, "batch_size": 32, "seed": 1234, "workers": %d,
                 "validation_split": 0.2, "model": %s, "early_stop_patience": 50, "averaging_frequency": 3,
                 "checkpoint_every_epochs": 1, "keep_checkpoints": 10}""".formatted(dataset, EPOCHS, workers, model);
    }

    private static String dl4j(String configuration) {
        return "{\"type\": \"dl4j\", \"configuration\": " + configuration + "}";
    }

    @Override
    protected UUID newJob(int workers) {
        return fx.insertJob("training", config(workers, windows, dl4j(recurrent())), windows, EPOCHS);
    }

    /** The dataset's files registered again as {@code format} at {@code uri}, with the given shape. */
    private UUID register(String uri, String format, String shape) {
        UUID id = UUID.randomUUID();
        fx.update("""
                INSERT INTO datasets (id, name, uri, format, feature_columns, feature_shape, label_columns, task)
                SELECT ?, 'again', ?, ?, feature_columns, CAST(? AS integer[]), label_columns, task
                FROM datasets WHERE id = ?""", id, uri, format, shape, windows);
        return id;
    }

    private Outcome train(UUID dataset, String model) throws Exception {
        UUID job = fx.insertJob("training", config(2, dataset, model), dataset, EPOCHS);
        Outcome outcome = run(job, 1, null);
        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(Double.parseDouble(fx.queryString("SELECT best_val_loss FROM training_jobs WHERE id = ?", job)))
                .as("it learns").isLessThan(Double.parseDouble(fx.queryString(
                        "SELECT val_loss FROM training_metrics WHERE job_id = ? AND epoch = 1", job)));
        return outcome;
    }

    @Test
    void theGeneratorRegistersItsWindowsAsOneArrayColumnOfReceiversBySamples() {
        assertThat(fx.queryStrings("SELECT feature_columns::text || ' ' || feature_shape::text FROM datasets"
                + " WHERE id = ?", windows)).containsExactly("[\"rss_window\"] {6,12}");
        String uri = fx.queryString("SELECT uri FROM datasets WHERE id = ?", windows);
        assertThat(fx.spark.read().parquet(uri).schema().apply("rss_window").dataType().simpleString())
                .isEqualTo("array<double>");
    }

    @Test
    void aRecurrentNetworkPausedAtAnEpochAndResumedIsBitIdenticalToAnUninterruptedOne() throws Exception {
        pauseAtAnEpochResumeAndCompareWithATwin(2);
    }

    @Test
    void aRecurrentNetworkPausedWithinAnEpochAndResumedIsBitIdenticalToAnUninterruptedOne() throws Exception {
        pauseWithinAnEpochResumeAndCompareWithATwin(3);
    }

    @Test
    void theWindowsAsAOneChannelImageTrainAConvolutionalNetworkAndFlatTheBuiltInOne() throws Exception {
        String uri = fx.queryString("SELECT uri FROM datasets WHERE id = ?", windows);
        train(register(uri, "parquet", "{1,6,12}"), dl4j(convolutional()));
        train(windows, "{\"type\": \"mlp\", \"hidden_layers\": [16]}, \"learning_rate\": 0.01");
    }

    @Test
    void theSameWindowsWrittenAsCsvTrainExactlyAsTheirParquet() throws Exception {
        String parquet = fx.queryString("SELECT uri FROM datasets WHERE id = ?", windows);
        String csv = parquet + "-as-csv";
        fx.spark.read().parquet(parquet)
                .withColumn("rss_window", functions.concat_ws(" ",
                        functions.col("rss_window").cast("array<string>")))
                .write().option("header", true).csv(csv);
        UUID fromCsv = fx.insertJob("training", config(2, register(csv, "csv", "{6,12}"), dl4j(recurrent())),
                windows, EPOCHS);
        assertTrainIdentically(newJob(2), fromCsv);
    }

    @Test
    void aRowWhoseArrayDoesNotFitTheShapeFailsTheJobNamingItsRowAndColumn() throws Exception {
        Path directory = Files.createDirectories(Path.of("target", "csv-" + UUID.randomUUID()));
        StringBuilder rows = new StringBuilder("id,w,x\n");
        for (int id = 1; id <= 40; id++) {
            rows.append(id).append(",\"").append(id).append(' ').append(id + 1).append(id == 23 ? "" : " 7; 8")
                    .append("\",").append(id * 2).append('\n');
        }
        Files.writeString(directory.resolve("part-0.csv"), rows);
        UUID dataset = UUID.randomUUID();
        fx.update("""
                INSERT INTO datasets (id, name, uri, format, feature_columns, feature_shape, label_columns)
                VALUES (?, 'short rows', ?, 'csv', '["w"]', '{4}', '["x"]')""",
                dataset, directory.toAbsolutePath().toUri().toString());
        UUID job = fx.insertJob("training", config(1, dataset, "{\"type\": \"mlp\", \"hidden_layers\": [4]}, "
                + "\"learning_rate\": 0.01"), dataset, EPOCHS);

        assertThatThrownBy(() -> run(job, 1, null))
                .hasMessageContaining("Row 23 has 2 values in column 'w', but its shape [4] holds 4");
    }
}
