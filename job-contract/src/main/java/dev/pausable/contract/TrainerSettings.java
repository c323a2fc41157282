package dev.pausable.contract;

import java.util.List;
import java.util.Map;

/**
 * The names of the settings the control plane passes to a trainer: Spark conf keys
 * ({@code spark.pausable.*}) and environment variables ({@code PAUSABLE_DB_*}). The database settings
 * travel in the environment (never on a command line); each may also be given as Spark conf.
 */
public final class TrainerSettings {

    /** Where checkpoints are written, e.g. {@code s3a://bucket/checkpoints}. */
    public static final String CHECKPOINT_ROOT = "spark.pausable.checkpointRoot";
    /** Where synthetic datasets without an {@code output_uri} are written. */
    public static final String DATASET_ROOT = "spark.pausable.datasetRoot";
    /** How often the driver proves it is alive between epoch commits (seconds, default 10). */
    public static final String HEARTBEAT_SECONDS = "spark.pausable.heartbeatSeconds";
    /**
     * How often the driver records its round within an epoch and reads the operator's intent between
     * rounds (milliseconds, default 1000; 0: after every round). A pause or cancel takes effect at the
     * first round boundary after the read that sees it.
     */
    public static final String ROUND_REPORT_MILLIS = "spark.pausable.roundReportMillis";
    /** How long the driver retries writing the final model before the attempt fails (seconds, default 300). */
    public static final String FINAL_WRITE_SECONDS = "spark.pausable.finalWriteSeconds";
    /**
     * About how many bytes of raw training data make one chunk (default 262144): the unit Spark caches
     * serialized, spills, and a round's task deserializes to take its minibatches from. Smaller chunks
     * shuffle within smaller pools; larger ones cost more per round.
     */
    public static final String CHUNK_BYTES = "spark.pausable.chunkBytes";
    /**
     * ND4J threads each training task fits with: {@code auto} (default) shares an executor's cores
     * ({@code local[N]}: N; else {@code spark.executor.cores}) among the job's tasks that can run on it at
     * once, never fewer than {@code spark.task.cpus}, and leaves ND4J's own choice when the executors' cores
     * are not set; a number sets it; 0 leaves ND4J's own choice (every core of the machine, for every task). The count is part of the
     * arithmetic (ND4J's reductions split by thread), so a job is exact across pauses on the same settings.
     */
    public static final String THREADS_PER_TASK = "spark.pausable.threadsPerTask";
    /**
     * How an epoch's averaging rounds reach the workers: {@code auto} (default) runs the rest of an epoch as
     * one Spark job whose tasks exchange each round's state with the driver over a socket, when Spark has a
     * task slot for every worker (otherwise, and after any failure of the exchange, a Spark job per round);
     * {@code off} always a Spark job per round. Both train the same minibatches from the same averages.
     */
    public static final String ROUND_EXCHANGE = "spark.pausable.roundExchange";
    /** How long the driver retries an unreachable PostgreSQL before failing (seconds, default 60). */
    public static final String DB_RETRY_SECONDS = "spark.pausable.db.retrySeconds";

    public static final Setting DB_URL = new Setting("PAUSABLE_DB_URL", "spark.pausable.db.url");
    public static final Setting DB_USER = new Setting("PAUSABLE_DB_USER", "spark.pausable.db.user");
    public static final Setting DB_PASSWORD = new Setting("PAUSABLE_DB_PASSWORD", "spark.pausable.db.password");
    public static final List<Setting> DATABASE = List.of(DB_URL, DB_USER, DB_PASSWORD);

    /** Every environment variable the trainer reads starts with this. */
    public static final String ENVIRONMENT_PREFIX = "PAUSABLE_DB_";

    private TrainerSettings() {
    }

    /** A setting read from the environment first, then from Spark conf. */
    public record Setting(String environment, String sparkConf) {

        /** The value, or null when neither source has a non-blank one. */
        public String lookup(Map<String, String> env, Map<String, String> conf) {
            String value = env.get(environment);
            if (value == null || value.isBlank()) {
                value = conf.get(sparkConf);
            }
            return value == null || value.isBlank() ? null : value;
        }
    }
}
