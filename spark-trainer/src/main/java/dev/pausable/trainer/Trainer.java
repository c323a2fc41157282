package dev.pausable.trainer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.pausable.trainer.checkpoint.CheckpointStore;
import dev.pausable.trainer.data.SyntheticRssGenerator;
import dev.pausable.trainer.data.TrainingData;
import dev.pausable.trainer.db.JobRow;
import dev.pausable.trainer.db.JobStore;
import dev.pausable.trainer.db.StaleAttemptException;
import dev.pausable.trainer.train.Outcome;
import dev.pausable.trainer.train.TrainingConfig;
import dev.pausable.trainer.train.TrainingLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver run of one attempt of one job: claim the job, run it, record the outcome. Spark
 * settings used: {@code spark.pausable.checkpointRoot} (training; e.g. {@code s3a://bucket/checkpoints})
 * and {@code spark.pausable.datasetRoot} (synthetic data without an {@code output_uri}).
 */
public final class Trainer {

    public static final String CHECKPOINT_ROOT = "spark.pausable.checkpointRoot";
    public static final String DATASET_ROOT = "spark.pausable.datasetRoot";

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper CONFIG = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final SparkSession spark;
    private final JobStore store;

    public Trainer(SparkSession spark, JobStore store) {
        this.spark = spark;
        this.store = store;
    }

    public Outcome run(TrainerArgs args) throws IOException {
        JobRow job = store.load();
        if (job.attempt() != args.attempt()) {
            throw new StaleAttemptException("Job " + job.id() + " is at attempt "
                    + job.attempt() + ", this driver is attempt " + args.attempt());
        }
        if (args.checkpoint() != null && (job.pauseCheckpoint() == null
                || !args.checkpoint().equals(job.pauseCheckpoint().uri()))) {
            throw new IOException("Checkpoint " + args.checkpoint() + " is not the job's committed pause checkpoint ("
                    + (job.pauseCheckpoint() == null ? "none" : job.pauseCheckpoint().uri()) + ")");
        }
        store.markRunning(spark.sparkContext().applicationId());
        return "synthetic_data".equals(job.jobType()) ? generate(job) : train(job);
    }

    private Outcome generate(JobRow job) throws IOException {
        JsonNode config = CONFIG.readTree(job.configJson());
        SyntheticRssGenerator.Settings settings = new SyntheticRssGenerator.Settings(
                config.path("num_samples").asLong(), config.path("seed").asLong(),
                config.path("num_receivers").asInt(8), config.path("area_size_m").asDouble(1000),
                config.path("path_loss_exponent").asDouble(3.0), config.path("shadowing_sigma_db").asDouble(4.0),
                config.path("tx_power_dbm").asDouble(30), config.path("partitions").asInt(4));
        String uri = config.hasNonNull("output_uri")
                ? config.get("output_uri").asText()
                : requiredConf(DATASET_ROOT) + "/" + job.id();
        log.info("Generating {} rows into {}", settings.numSamples(), uri);
        SyntheticRssGenerator.write(spark, settings, uri);
        String name = config.hasNonNull("dataset_name") ? config.get("dataset_name").asText() : job.jobName();
        store.completeWithDataset(UUID.randomUUID(), name, uri, settings.numSamples(),
                SyntheticRssGenerator.featureColumns(settings.numReceivers()), SyntheticRssGenerator.labelColumns());
        return new Outcome.Generated(uri, settings.numSamples());
    }

    private Outcome train(JobRow job) throws IOException {
        if (job.dataset() == null) {
            throw new IllegalStateException("Training job " + job.id() + " has no dataset");
        }
        TrainingConfig config = CONFIG.readValue(job.configJson(), TrainingConfig.class);
        CheckpointStore checkpoints = new CheckpointStore(requiredConf(CHECKPOINT_ROOT),
                spark.sparkContext().hadoopConfiguration());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        TrainingData data = TrainingData.load(spark, job.dataset().uri(), job.dataset().featureColumns(),
                job.dataset().labelColumns(), config.seed(), config.validationSplit(), config.workers());
        try {
            return new TrainingLoop(sc, store, checkpoints, job, config, configHash(job.configJson())).run(data);
        } finally {
            data.release();
        }
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
