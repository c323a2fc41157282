package dev.pausable.trainer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.Dataset;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.NewDataset;
import dev.pausable.contract.SyntheticDataConfig;
import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.contract.TrainingJob;
import dev.pausable.networks.DataShape;
import dev.pausable.trainer.checkpoint.CheckpointMismatchException;
import dev.pausable.trainer.checkpoint.CheckpointStore;
import dev.pausable.trainer.data.SyntheticRssGenerator;
import dev.pausable.trainer.data.TrainingData;
import dev.pausable.trainer.db.JobStore;
import dev.pausable.trainer.db.StaleAttemptException;
import dev.pausable.trainer.train.Outcome;
import dev.pausable.trainer.train.Preemption;
import dev.pausable.trainer.train.TrainingLoop;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver run of one attempt of one job: claim the job, run it, record the outcome. Spark
 * settings used: {@link TrainerSettings#CHECKPOINT_ROOT} (training; e.g. {@code s3a://bucket/checkpoints})
 * and {@link TrainerSettings#DATASET_ROOT} (synthetic data without an {@code output_uri}).
 */
public final class Trainer {

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);
    /** How often a running generation reads the operator's intent. */
    private static final Duration INTENT_POLL = Duration.ofMillis(500);
    /**
     * Binds the stored config to the contract's types. Strict: the control plane stored exactly these
     * fields, so an unknown one means the two processes disagree, which must fail loudly.
     */
    private static final ObjectMapper CONFIG = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    private final SparkSession spark;
    private final JobStore store;
    private final Preemption preemption;

    public Trainer(SparkSession spark, JobStore store) {
        this(spark, store, Preemption.never());
    }

    /** {@code preemption}: whether the driver has been told to stop (SIGTERM; see {@link TerminationSignal}). */
    public Trainer(SparkSession spark, JobStore store, Preemption preemption) {
        this.spark = spark;
        this.store = store;
        this.preemption = preemption;
    }

    public Outcome run(TrainerCommand args) throws IOException {
        TrainingJob job = store.load();
        if (job.attempt() != args.attempt()) {
            throw new StaleAttemptException("Job " + job.id() + " is at attempt "
                    + job.attempt() + ", this driver is attempt " + args.attempt());
        }
        CommittedCheckpoint resumeFrom = null;
        if (args.checkpoint() != null) {
            resumeFrom = store.committedCheckpoint(args.checkpoint()).orElseThrow(() -> new CheckpointMismatchException(
                    "Checkpoint " + args.checkpoint() + " is not a committed, live checkpoint of job " + job.id()));
        }
        store.markRunning(spark.sparkContext().applicationId());
        return switch (job.jobType()) {
            case SYNTHETIC_DATA -> generate(job);
            case TRAINING -> train(job, resumeFrom);
        };
    }

    private Outcome generate(TrainingJob job) throws IOException {
        SyntheticDataConfig config = syntheticDataConfig(job.config(), job.jobName());
        SyntheticRssGenerator.Settings settings = new SyntheticRssGenerator.Settings(config.numSamples(),
                config.seed(), config.numReceivers(), config.areaSizeM(), config.pathLossExponent(),
                config.shadowingSigmaDb(), config.txPowerDbm(), config.partitions(), config.signalWindow());
        String uri = config.outputUri() != null
                ? config.outputUri()
                : requiredConf(TrainerSettings.DATASET_ROOT) + "/" + job.id();
        NewDataset dataset = NewDataset.validated(config.datasetName(), uri, null, settings.numSamples(),
                SyntheticRssGenerator.featureColumns(settings), SyntheticRssGenerator.featureShape(settings),
                SyntheticRssGenerator.labelColumns(), null);
        log.info("Generating {} rows into {}", settings.numSamples(), uri);
        String group = "pausable-generate-" + job.id();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            spark.sparkContext().setJobGroup(group, "synthetic data for " + job.id(), true);
            // Only a restart (attempt > 1 of a job that never completed) finds its own partial output there.
            SyntheticRssGenerator.write(spark, settings, uri, job.attempt() > 1);
        });
        // The generator is one Spark job: the operator's cancel is read while it runs, not after.
        while (!awaitDone(writing, INTENT_POLL)) {
            if (preemption.requested()) {
                // Generation has no checkpoint: a transient failure, and the restart writes the dataset again.
                spark.sparkContext().cancelJobGroup(group);
                awaitDone(writing, Duration.ofMinutes(5));
                throw new IOException("Preempted (SIGTERM) while generating " + uri + "; a restart generates it again");
            }
            if (store.intent() == DesiredState.CANCELLED) {
                spark.sparkContext().cancelJobGroup(group);
                awaitDone(writing, Duration.ofMinutes(5));
                Path output = new Path(URI.create(uri));
                output.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(output, true);
                store.cancel("cancelled during generation; partial output removed");
                return new Outcome.Cancelled(0);
            }
        }
        try {
            writing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        store.completeWithDataset(NewDataset.generatedBy(job.id()), dataset);
        return new Outcome.Generated(uri, settings.numSamples());
    }

    /** Whether {@code work} has ended (either way) within {@code wait}. */
    private static boolean awaitDone(CompletableFuture<?> work, Duration wait) {
        try {
            work.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while generating", e);
        }
        return true;
    }

    private Outcome train(TrainingJob job, CommittedCheckpoint resumeFrom) throws IOException {
        if (job.datasetId() == null) {
            throw new IllegalStateException("Training job " + job.id() + " has no dataset");
        }
        Dataset dataset = store.dataset(job.datasetId());
        TrainingConfig config = trainingConfig(job.config());
        CheckpointStore checkpoints = new CheckpointStore(requiredConf(TrainerSettings.CHECKPOINT_ROOT),
                spark.sparkContext().hadoopConfiguration());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // The built-in network takes every feature value side by side; a network of the job's own, the
        // dataset's array in its shape.
        DataShape shape = config.model().builtIn() ? DataShape.flat(dataset) : DataShape.of(dataset);
        TrainingData data = TrainingData.load(spark, dataset.uri(), dataset.format(), dataset.featureColumns(),
                dataset.featureShape(), dataset.labelColumns(), config.seed(), config.validationSplit(),
                config.workers(), Integer.parseInt(spark.conf().get(TrainerSettings.CHUNK_BYTES,
                        String.valueOf(TrainingData.DEFAULT_CHUNK_BYTES))), shape.exampleShape());
        log.info("{} training rows in {} chunks per worker, {} validation rows", data.trainCount(),
                data.chunksPerWorker(), data.validationCount());
        try {
            TrainingLoop.Timing timing = new TrainingLoop.Timing(
                    Duration.ofSeconds(Long.parseLong(spark.conf().get(TrainerSettings.FINAL_WRITE_SECONDS, "300"))),
                    Duration.ofMillis(Long.parseLong(spark.conf().get(TrainerSettings.ROUND_REPORT_MILLIS, "1000"))));
            return new TrainingLoop(sc, store, checkpoints, job, dataset, config, configHash(job.config()), resumeFrom,
                    timing, preemption).run(data);
        } finally {
            data.release();
        }
    }

    /** A training job's stored config, bound to the contract's type and read in its stored form. */
    public static TrainingConfig trainingConfig(String json) throws IOException {
        return CONFIG.readValue(json, TrainingConfig.class).stored();
    }

    /** A synthetic-data job's stored config, bound to the contract's type and read in its stored form. */
    public static SyntheticDataConfig syntheticDataConfig(String json, String jobName) throws IOException {
        return CONFIG.readValue(json, SyntheticDataConfig.class).stored(jobName);
    }

    /** SHA-256 of the config as stored (PostgreSQL's jsonb text form is canonical). */
    static String configHash(String configJson) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(configJson.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String requiredConf(String key) {
        String value = spark.conf().get(key, null);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("Spark setting " + key + " is required");
        }
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
