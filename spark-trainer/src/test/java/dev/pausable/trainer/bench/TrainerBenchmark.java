package dev.pausable.trainer.bench;

import dev.pausable.contract.DatasetFormat;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.trainer.Trainer;
import dev.pausable.trainer.TrainerFixture;
import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.checkpoint.CheckpointStore;
import dev.pausable.trainer.checkpoint.TrainingState;
import dev.pausable.trainer.data.Standardization;
import dev.pausable.trainer.data.TrainingData;
import dev.pausable.trainer.db.StoredCheckpoint;
import dev.pausable.trainer.train.ModelFactory;
import dev.pausable.trainer.train.Network;
import dev.pausable.trainer.train.TrainingLoop;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Not a test: {@code mvn -Pbench verify -pl db,spark-trainer}. In one JVM, on the same data and
 * configuration, runs plain DL4J ({@code SparkDl4jMultiLayer.fit} per epoch with one training
 * master over cached DataSets) and our training loop (new master per epoch, in-task shuffling,
 * ordered averaging, progress and intent in PostgreSQL, final checkpoint), alternating, and prints
 * the throughput ratio; then checkpoint write/restore against raw PUT/GET of the same bytes to the
 * same s3a store (s3proxy); and the loop recording its round and reading the intent after every round
 * and at the default (every second) against only at epoch ends, which measures the cost of reading the intent between rounds. Results also go to target/bench/trainer-benchmark.txt.
 */
class TrainerBenchmark {

    private static final int ROWS = Integer.getInteger("bench.rows", 20_000);
    private static final int EPOCHS = Integer.getInteger("bench.epochs", 4);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final int REPEATS = 5;
    /** The trainer's default spark.pausable.roundReportMillis. */
    private static final Duration DEFAULT_REPORT = Duration.ofSeconds(1);
    /** Longer than any epoch here: the round is recorded and the intent read only when an epoch ends. */
    private static final Duration NEVER_WITHIN_EPOCH = Duration.ofDays(1);

    /** One variant's run in a round, recording its time. */
    @FunctionalInterface
    private interface Measured {
        void run(int round) throws Exception;
    }

    private final TrainerFixture fx = TrainerFixture.get();
    private final Report report = new Report();

    @Test
    void throughputAndCheckpointCost() throws Exception {
        UUID dataset = fx.generateDataset(ROWS, 8, 1000, 4.0);
        String configJson = """
                {"dataset_id": "%s", "epochs": %d, "batch_size": 64, "learning_rate": 0.001, "seed": 5, "workers": 2,
                 "validation_split": 0.2, "hidden_layers": [64, 64], "optimizer": "adam", "lr_schedule": {"type": "none"},
                 "early_stop_patience": 0, "averaging_frequency": 5, "checkpoint_every_epochs": 0,
                 "checkpoint_interval_seconds": 0, "keep_best": false}"""
                .formatted(dataset, EPOCHS);
        // The same job with a checkpoint after every epoch (uploaded and committed while the next trains).
        String everyEpochJson = configJson.replace("\"checkpoint_every_epochs\": 0", "\"checkpoint_every_epochs\": 1");
        TrainingConfig config = Trainer.trainingConfig(configJson);
        String uri = fx.queryString("SELECT uri FROM datasets WHERE id = ?", dataset);
        List<String> features = List.of("rss_0", "rss_1", "rss_2", "rss_3", "rss_4", "rss_5", "rss_6", "rss_7");
        TrainingData data = TrainingData.load(fx.spark, uri, DatasetFormat.PARQUET, features, null, List.of("x", "y"),
                config.seed(), config.validationSplit(), config.workers(), TrainingData.DEFAULT_CHUNK_BYTES,
                new long[] {features.size()});
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(fx.spark.sparkContext());
        fx.spark.conf().set(TrainerSettings.CHECKPOINT_ROOT, "s3a://" + TrainerFixture.BUCKET + "/bench");
        CheckpointStore store = new CheckpointStore("s3a://" + TrainerFixture.BUCKET + "/bench",
                fx.spark.sparkContext().hadoopConfiguration());

        // Warm-up of both paths (JIT, ND4J natives, Spark's first jobs, s3a client), not counted.
        plain(sc, data, config, EPOCHS);
        ours(sc, store, data, config, configJson, dataset, DEFAULT_REPORT);
        long[] plainNanos = new long[ROUNDS];
        long[] oursNanos = new long[ROUNDS];
        long[] checkpointedNanos = new long[ROUNDS];
        long[] everyRoundNanos = new long[ROUNDS];
        long[] neverNanos = new long[ROUNDS];
        List<Measured> variants = List.of(
                round -> plainNanos[round] = plain(sc, data, config, EPOCHS),
                round -> oursNanos[round] = ours(sc, store, data, config, configJson, dataset, DEFAULT_REPORT),
                round -> checkpointedNanos[round] = ours(sc, store, data, Trainer.trainingConfig(everyEpochJson),
                        everyEpochJson, dataset, DEFAULT_REPORT),
                round -> everyRoundNanos[round] = ours(sc, store, data, config, configJson, dataset, Duration.ZERO),
                round -> neverNanos[round] = ours(sc, store, data, config, configJson, dataset, NEVER_WITHIN_EPOCH));
        for (int round = 0; round < ROUNDS; round++) {
            // Each round starts with another variant: none always runs first (or last) in a round.
            for (int i = 0; i < variants.size(); i++) {
                variants.get((round + i) % variants.size()).run(round);
            }
        }
        double samples = (double) data.trainCount() * EPOCHS;
        double plainRate = samples / (Report.median(plainNanos) / 1e9);
        double oursRate = samples / (Report.median(oursNanos) / 1e9);
        report.line("dataset: %d rows (%d train, %d validation), %d epochs, batch 64, 2 workers, local[2], %d rounds",
                ROWS, data.trainCount(), data.validationCount(), EPOCHS, ROUNDS);
        report.line("plain SparkDl4jMultiLayer.fit: %.0f samples/s (median of %s ms)", plainRate, ms(plainNanos));
        report.line("pausable training loop:        %.0f samples/s (median of %s ms)", oursRate, ms(oursNanos));
        report.line("throughput ratio ours/plain:   %.3f (goal >= 0.98)", oursRate / plainRate);
        double checkpointedRate = samples / (Report.median(checkpointedNanos) / 1e9);
        report.line("with a checkpoint every epoch: %.0f samples/s (median of %s ms)", checkpointedRate, ms(checkpointedNanos));
        report.line("throughput ratio checkpointed/ours: %.3f (goal >= 0.97)", checkpointedRate / oursRate);
        double everyRoundRate = samples / (Report.median(everyRoundNanos) / 1e9);
        report.line("round recorded and intent read after every round: %.0f samples/s (median of %s ms)", everyRoundRate,
                ms(everyRoundNanos));
        double neverRate = samples / (Report.median(neverNanos) / 1e9);
        report.line("round recorded and intent read only at epoch ends: %.0f samples/s (median of %s ms)", neverRate,
                ms(neverNanos));
        report.line("throughput ratio ours/epoch-ends-only (cost of reading the intent every %d ms): %.3f (goal >= 0.99)",
                DEFAULT_REPORT.toMillis(), oursRate / neverRate);
        report.line("throughput ratio every-round/epoch-ends-only: %.3f", everyRoundRate / neverRate);

        checkpointCost(store, data, config);
        report.write("trainer-benchmark.txt");
    }

    /** DL4J's usual way: one master for all epochs, DataSets built once and cached. */
    private long plain(JavaSparkContext sc, TrainingData data, TrainingConfig config, int epochs) {
        // Timed from the same point as ours: both start from the loaded rows.
        long started = System.nanoTime();
        Standardization stats = data.standardization();
        JavaRDD<DataSet> batches = data.epoch(config.seed(), 1, config.batchSize(), config.averagingFrequency(), stats)
                .all().persist(StorageLevel.MEMORY_ONLY());
        batches.count();
        List<DataSet> validation = data.validationBatches(1024, stats).collect();
        MultiLayerNetwork net = ModelFactory.create(config, 8, 2, false);
        // Same settings as ours, but DL4J's own master, reused across epochs.
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(config.workers(),
                config.batchSize())
                .batchSizePerWorker(config.batchSize())
                .averagingFrequency(config.averagingFrequency())
                .saveUpdater(true)
                .repartionData(Repartition.Never)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .workerPrefetchNumBatches(0)
                .rngSeed(config.seed())
                .build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
        List<Long> fits = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long fitStarted = System.nanoTime();
            sparkNet.fit(batches);
            fits.add((System.nanoTime() - fitStarted) / 1_000_000);
            double sum = 0;
            for (DataSet batch : validation) {
                sum += net.score(batch, false) * batch.numExamples();
            }
            if (Double.isNaN(sum)) {
                throw new IllegalStateException("diverged");
            }
        }
        long took = System.nanoTime() - started;
        batches.unpersist(false);
        report.line("  plain fit ms per epoch: %s", fits);
        return took;
    }

    /** Our loop end to end for a fresh job: the same epochs plus DB writes and the final checkpoint. */
    private long ours(JavaSparkContext sc, CheckpointStore store, TrainingData data, TrainingConfig config,
                      String configJson, UUID dataset, Duration roundReport) throws Exception {
        UUID job = fx.insertJob("training", configJson, dataset, EPOCHS);
        var jobStore = fx.store(job, 1);
        jobStore.markRunning("bench");
        var row = jobStore.load();
        long started = System.nanoTime();
        new TrainingLoop(sc, jobStore, store, row, jobStore.dataset(dataset), config, "bench", null,
                new TrainingLoop.Timing(Duration.ofMinutes(5), roundReport),
                dev.pausable.trainer.train.Preemption.never()).run(data);
        long took = System.nanoTime() - started;
        report.line("  ours fit ms per epoch:  %s", fx.queryStrings(
                "SELECT duration_ms FROM training_metrics WHERE job_id = ? ORDER BY epoch", job));
        return took;
    }

    private void checkpointCost(CheckpointStore store, TrainingData data, TrainingConfig config) throws Exception {
        MultiLayerNetwork net = ModelFactory.create(config, 8, 2, false);
        Standardization stats = data.standardization();
        TrainingState state = new TrainingState(TrainingState.FORMAT_VERSION, "bench", 1, 1, 0, 0, 0, 1.0, 1, 0,
                0.001, 5, "bench", "1.0.0-M2.1");
        byte[] sample = CheckpointCodec.encode(new Network.Stack(net), stats.toNormalizer(), state);
        FileSystem fs = new org.apache.hadoop.fs.Path(URI.create(store.uriFor(UUID.randomUUID(), "x")))
                .getFileSystem(fx.spark.sparkContext().hadoopConfiguration());
        long[] write = new long[REPEATS];
        long[] put = new long[REPEATS];
        long[] restore = new long[REPEATS];
        long[] get = new long[REPEATS];
        for (int i = 0; i < REPEATS; i++) {
            UUID job = UUID.randomUUID();
            long t0 = System.nanoTime();
            StoredCheckpoint stored = store.write(store.uriFor(job, "ckpt.zip"),
                    1, 0, CheckpointCodec.encode(new Network.Stack(net), stats.toNormalizer(), state));
            write[i] = System.nanoTime() - t0;

            org.apache.hadoop.fs.Path raw = new org.apache.hadoop.fs.Path(URI.create(store.uriFor(job, "raw.bin")));
            t0 = System.nanoTime();
            try (OutputStream out = fs.create(raw, false)) {
                out.write(sample);
            }
            put[i] = System.nanoTime() - t0;

            t0 = System.nanoTime();
            CheckpointCodec.decode(store.readVerified(stored.uri(), stored.committed().sizeBytes(),
                    stored.committed().sha256()));
            restore[i] = System.nanoTime() - t0;

            t0 = System.nanoTime();
            try (InputStream in = fs.open(raw)) {
                in.readAllBytes();
            }
            get[i] = System.nanoTime() - t0;
        }
        report.line("checkpoint: %d bytes; write (encode + SHA-256 + PUT) %.1f ms vs raw PUT %.1f ms: ratio %.2f",
                sample.length, Report.median(write) / 1e6, Report.median(put) / 1e6, (double) Report.median(write) / Report.median(put));
        report.line("checkpoint: restore (GET + verify + decode) %.1f ms vs raw GET %.1f ms: ratio %.2f",
                Report.median(restore) / 1e6, Report.median(get) / 1e6, (double) Report.median(restore) / Report.median(get));
    }

    private static String ms(long[] values) {
        return Arrays.toString(Arrays.stream(values).map(v -> v / 1_000_000).toArray());
    }
}
