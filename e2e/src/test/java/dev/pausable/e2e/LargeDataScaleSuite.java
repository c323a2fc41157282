package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Run with {@code -Pscale}: through the real control plane and spark-submit (local[2]), a synthetic
 * dataset several times the trainer's whole memory ({@code spark.driver.memory} 512m: in local mode the
 * executors are the driver's JVM) trains to completion, and its validation loss is finite. Before the
 * chunked layout the driver held every training row as Java objects and collected the validation split:
 * this dataset could not fit. Prints the generation and training times; the datasets are deleted after.
 */
class LargeDataScaleSuite {

    private static final int ROWS = Integer.getInteger("scale.rows", 3_200_000);
    private static final int RECEIVERS = 64;
    private static final long DRIVER_MEMORY = 512L << 20;
    private static final Duration RUN = Duration.ofMinutes(Integer.getInteger("scale.minutes", 40));

    @Test
    void aDatasetSeveralTimesTheTrainersMemoryTrainsToCompletion() throws Exception {
        long rawBytes = (long) ROWS * (1 + RECEIVERS + 2) * Double.BYTES;
        assertThat(rawBytes).as("raw values of the dataset (id, %d receivers, x, y)", RECEIVERS)
                .isGreaterThanOrEqualTo(3 * DRIVER_MEMORY);
        ControlPlaneProcess controlPlane = ControlPlaneProcess.create("large-data");
        try (controlPlane) {
            controlPlane.start();
            Api api = controlPlane.api;
            long started = System.nanoTime();
            JsonNode generation = api.post("/v1/training/jobs", """
                    {"job_name": "large", "job_type": "synthetic_data",
                     "config": {"num_samples": %d, "seed": 5, "num_receivers": %d, "partitions": 32}}"""
                    .formatted(ROWS, RECEIVERS), 201);
            String dataset = api.awaitStatus(generation.get("id").asText(), "completed", RUN)
                    .get("dataset_id").asText();
            long generated = System.nanoTime();
            String job = api.post("/v1/training/jobs", """
                    {"job_name": "larger than memory",
                     "config": {"dataset_id": "%s", "epochs": 1, "batch_size": 256, "learning_rate": 0.001,
                                "seed": 5, "workers": 2, "hidden_layers": [32], "averaging_frequency": 20},
                     "spark_conf": {"spark.driver.memory": "512m"}}""".formatted(dataset), 201)
                    .get("id").asText();
            api.awaitStatus(job, "completed", RUN);
            long trained = System.nanoTime();

            List<JsonNode> metrics = api.metrics(job);
            assertThat(metrics).hasSize(1);
            assertThat(metrics.get(0).get("val_loss").asDouble()).isFinite();
            System.out.printf("LargeDataScaleSuite: %,d rows x %d receivers (%,d MB raw, %.1fx the trainer's %d MB):"
                            + " generated in %.0f s, 1 epoch trained in %.0f s (job total %.0f s, %.0f samples/s)%n",
                    ROWS, RECEIVERS, rawBytes >> 20, (double) rawBytes / DRIVER_MEMORY, DRIVER_MEMORY >> 20,
                    (generated - started) / 1e9, metrics.get(0).get("duration_ms").asDouble() / 1e3,
                    (trained - generated) / 1e9, metrics.get(0).get("samples_per_second").asDouble());
        } finally {
            deleteTree(controlPlane.work.resolve("datasets"));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
