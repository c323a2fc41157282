package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Not a test: {@code bench/scale-sweep.sh}, or {@code mvn -B -Pbench verify -pl e2e -Dit.test=ScaleSweepBenchmark}.
 * Through the real control plane on a real standalone cluster (a master and three workers of two cores
 * each, on this machine; cluster deploy mode, so each driver takes a core of a worker), in one run:
 * <ul>
 *   <li>workers 1, 2 and 4 ({@code spark.cores.max} = workers, one-core executors): training samples/s of
 *       the same job and the speed-up over one worker, through the round exchange and, side by side, with a
 *       Spark job per round ({@code bench.roundExchange}, default {@code auto,off});</li>
 *   <li>dataset rows 100k to millions ({@code bench.sweepRows}) at 2 workers: the epoch's time per row and
 *       the load before the first epoch.</li>
 * </ul>
 * Samples/s is the trainer's own per-epoch figure (training rows over the epoch's time, validation
 * included); the first epoch, which pays the JIT warm-up, is left out. Results:
 * target/bench/scale-sweep.txt, workers.tsv and rows.tsv (for bench/Plot.java).
 */
class ScaleSweepBenchmark {

    private static final Duration RUN = Duration.ofMinutes(60);
    private static final int[] WORKERS = {1, 2, 4};
    private static final int WORKER_ROWS = Integer.getInteger("bench.workerRows", 60_000);
    /** The settings of spark.pausable.roundExchange the workers are measured with; the first is the rows'. */
    private static final List<String> EXCHANGES = List.of(System.getProperty("bench.roundExchange", "auto,off")
            .split(","));
    private static final int[] SWEEP_ROWS = Arrays.stream(
            System.getProperty("bench.sweepRows", "100000,300000,1000000,3000000").split(","))
            .mapToInt(Integer::parseInt).toArray();

    private final List<String> report = new ArrayList<>();

    @Test
    void workersAndDatasetRowsOnAStandaloneCluster() throws Exception {
        ControlPlaneProcess controlPlane = ControlPlaneProcess.create("scale-sweep");
        Path javacpp = controlPlane.work.getParent().resolve("javacpp");
        try (StandaloneCluster cluster = StandaloneCluster.start(controlPlane.work.resolve("cluster"), 3, 2);
             ControlPlaneProcess running = controlPlane.withArgs(
                     "--pausable.spark.master=" + cluster.masterUrl(),
                     "--pausable.spark.deploy-mode=cluster",
                     "--pausable.spark.rest-url=" + cluster.restUrl(),
                     // Full JIT: these drivers run for minutes (the tests' default stops at C1).
                     "--pausable.spark.conf[spark.driver.extraJavaOptions]=-Dorg.bytedeco.javacpp.cachedir=" + javacpp,
                     "--pausable.spark.conf[spark.executor.cores]=1",
                     "--pausable.spark.conf[spark.executor.memory]=1g").start()) {
            Api api = running.api;
            line("standalone cluster: 3 workers x 2 cores on a %d-core machine, cluster deploy mode, 1-core executors",
                    Runtime.getRuntime().availableProcessors());

            String dataset = api.syntheticDataset(WORKER_ROWS, 3);
            line("workers: %,d rows x 8 receivers, [256, 256] Adam, batch 64, averaging every 5, 4 epochs"
                    + " (samples/s: mean of epochs 2-4)", WORKER_ROWS);
            List<String> workersTsv = new ArrayList<>(List.of(EXCHANGES.stream()
                    .map(exchange -> "exchange " + exchange).collect(Collectors.joining("\t", "workers\t", "\tlinear"))));
            double[] one = new double[EXCHANGES.size()];
            for (int workers : WORKERS) {
                StringBuilder row = new StringBuilder().append(workers);
                double[] rates = new double[EXCHANGES.size()];
                for (int e = 0; e < EXCHANGES.size(); e++) {
                    String id = train(api, dataset, "workers-" + workers + "-" + EXCHANGES.get(e), workers, 4,
                            "[256, 256]", 64, 5, EXCHANGES.get(e));
                    List<JsonNode> metrics = api.metrics(id);
                    rates[e] = metrics.subList(1, metrics.size()).stream()
                            .mapToDouble(m -> m.get("samples_per_second").asDouble()).average().orElseThrow();
                    one[e] = workers == 1 ? rates[e] : one[e];
                    line("  %d worker(s), round exchange %s: %,.0f samples/s, speed-up %.2f%s", workers,
                            EXCHANGES.get(e), rates[e], rates[e] / one[e], e == 0 ? ""
                                    : String.format(Locale.ROOT, "; %s/%s %.2f", EXCHANGES.get(0), EXCHANGES.get(e),
                                    rates[0] / rates[e]));
                    row.append(String.format(Locale.ROOT, "\t%.1f", rates[e]));
                }
                workersTsv.add(row.append(String.format(Locale.ROOT, "\t%.1f", one[0] * workers)).toString());
            }

            line("rows: 8 receivers, [64, 64] Adam, batch 256, averaging every 20, 2 workers, 2 epochs, round exchange"
                    + " %s (per row: epoch 2; load: the job's start to its first epoch's)", EXCHANGES.get(0));
            List<String> rowsTsv = new ArrayList<>(List.of("rows\tepoch\tload"));
            for (int rows : SWEEP_ROWS) {
                Instant generating = Instant.now();
                String sweep = generate(api, rows);
                double generated = PauseResumeBenchmark.seconds(generating, Instant.now());
                String id = train(api, sweep, "rows-" + rows, 2, 2, "[64, 64]", 256, 20, EXCHANGES.get(0));
                List<JsonNode> metrics = api.metrics(id);
                JsonNode second = metrics.get(1);
                double epochSeconds = second.get("duration_ms").asDouble() / 1e3;
                double loadSeconds = PauseResumeBenchmark.seconds(runningSince(api, id),
                        PauseResumeBenchmark.time(metrics.get(0).get("recorded_at"))
                                .minusMillis(metrics.get(0).get("duration_ms").asLong()));
                line("  %,9d rows: generated in %.0f s, loaded in %.1f s, epoch %.1f s = %.1f us per row"
                                + " (%,.0f samples/s)", rows, generated, loadSeconds, epochSeconds,
                        epochSeconds * 1e6 / rows, second.get("samples_per_second").asDouble());
                rowsTsv.add(String.format(Locale.ROOT, "%d\t%.2f\t%.2f", rows, epochSeconds * 1e6 / rows,
                        loadSeconds * 1e6 / rows));
            }
            Path out = Files.createDirectories(Path.of("target", "bench"));
            Files.write(out.resolve("scale-sweep.txt"), report);
            Files.write(out.resolve("workers.tsv"), workersTsv);
            Files.write(out.resolve("rows.tsv"), rowsTsv);
        }
    }

    private String train(Api api, String dataset, String name, int workers, int epochs, String layers, int batch,
                         int frequency, String exchange) throws Exception {
        String id = api.post("/v1/training/jobs", """
                {"job_name": "%s",
                 "config": {"dataset_id": "%s", "epochs": %d, "batch_size": %d, "learning_rate": 0.001, "seed": 9,
                            "workers": %d, "hidden_layers": %s, "averaging_frequency": %d},
                 "spark_conf": {"spark.cores.max": "%d", "spark.pausable.roundExchange": "%s"}}"""
                .formatted(name, dataset, epochs, batch, workers, layers, frequency, workers, exchange), 201)
                .get("id").asText();
        api.awaitStatus(id, "completed", RUN);
        assertThat(api.metrics(id)).hasSize(epochs);
        return id;
    }

    private static String generate(Api api, int rows) throws Exception {
        JsonNode job = api.post("/v1/training/jobs", """
                {"job_name": "rows-%d", "job_type": "synthetic_data",
                 "config": {"num_samples": %d, "seed": 4, "num_receivers": 8, "partitions": %d}}"""
                .formatted(rows, rows, Math.max(2, rows / 250_000)), 201);
        return api.awaitStatus(job.get("id").asText(), "completed", RUN).get("dataset_id").asText();
    }

    /** When the job last became RUNNING, from its audit trail. */
    private static Instant runningSince(Api api, String id) throws Exception {
        return api.events(id).stream()
                .filter(e -> e.get("event_type").asText().equals("status")
                        && e.get("to_value").asText().equals("running"))
                .map(e -> PauseResumeBenchmark.time(e.get("created_at"))).reduce((a, b) -> b).orElseThrow();
    }

    private void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + text);
        report.add(text);
    }
}
