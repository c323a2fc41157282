package dev.pausable.trainer;

import dev.pausable.contract.FieldException;
import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.trainer.checkpoint.CheckpointMismatchException;
import dev.pausable.trainer.db.Database;
import dev.pausable.trainer.db.DatabaseUnavailableException;
import dev.pausable.trainer.db.Heartbeat;
import dev.pausable.trainer.db.JobStore;
import dev.pausable.trainer.db.StaleAttemptException;
import dev.pausable.trainer.train.Outcome;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * spark-submit entry point ({@code --class dev.pausable.trainer.TrainerMain}). The master comes
 * from spark-submit, never from code. Exit codes: 0 for a recorded outcome (completed, paused,
 * cancelled, generated, handed to the next attempt after a SIGTERM), 1 for a failure recorded as FAILED, 2 for bad arguments, 3 when a newer
 * attempt owns the job (nothing written), 4 for a transient failure (reason recorded, no outcome: the
 * control plane restarts the job or fails it).
 */
public final class TrainerMain {

    private static final Logger log = LoggerFactory.getLogger(TrainerMain.class);

    private TrainerMain() {
    }

    /**
     * Spark settings the trainer needs unless the submission sets them. A round's results (parameters and
     * updater state, 12 bytes per parameter with Adam) go straight back with the task's status up to the
     * RPC message limit, instead of through the block manager above 1 MB (a store, a fetch and a removal per
     * worker and round; 14 of a 271k-parameter round's 100 ms at local[2]). A round's starting state is
     * broadcast uncompressed: float weights hardly compress, and every task would decompress them.
     */
    public static final Map<String, String> SPARK_DEFAULTS = Map.of(
            "spark.task.maxDirectResultSize", "128m",
            "spark.broadcast.compress", "false");

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        TrainerCommand args;
        try {
            args = TrainerCommand.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        SparkConf conf = new SparkConf();
        SPARK_DEFAULTS.forEach(conf::setIfMissing);
        SparkSession spark = SparkSession.builder().appName(args.tag().toString()).config(conf)
                .getOrCreate();
        JobStore store = null;
        try (Database db = database(spark.sparkContext().getConf())) {
            store = new JobStore(db, args.jobId(), args.attempt());
            Outcome outcome;
            // SIGTERM is taken only now: Spark is up, and until the outcome is recorded it must stay up.
            try (TerminationSignal termination = TerminationSignal.take();
                 Heartbeat ignored = Heartbeat.start(store, heartbeatPeriod(spark.sparkContext().getConf()));
                 AutoCloseable listening = store.listenForIntents()) {
                outcome = new Trainer(spark, store, termination).run(args);
            }
            log.info("Job {} attempt {}: {}", args.jobId(), args.attempt(), outcome);
            return 0;
        } catch (StaleAttemptException e) {
            log.warn("Stopping without writing: {}", e.getMessage());
            return 3;
        } catch (Exception e) {
            boolean retryable = isTransient(e);
            log.error("Job {} attempt {} failed ({})", args.jobId(), args.attempt(),
                    retryable ? "transient: the control plane decides whether to restart" : "permanent", e);
            if (store != null) {
                recordFailure(store, e, retryable);
            }
            return retryable ? 4 : 1;
        } finally {
            spark.stop();
        }
    }

    /**
     * Whether a retry may succeed: storage and network I/O, an unreachable PostgreSQL, a failed Spark job
     * (lost executors). Not: a checkpoint that does not match its commit, an invalid config, a missing
     * dataset or file, or any other error of ours; those fail the job at once.
     */
    static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof CheckpointMismatchException || t instanceof FieldException
                    || t instanceof FileNotFoundException || t instanceof AnalysisException) {
                return false;
            }
            if (t instanceof IOException || t instanceof DatabaseUnavailableException
                    || t instanceof SparkException) {
                return true;
            }
        }
        return false;
    }

    /** A permanent failure is recorded as FAILED; a transient one as the reason only (see {@link #isTransient}). */
    static void recordFailure(JobStore store, Exception e, boolean retryable) {
        String full = e.getClass().getSimpleName() + ": " + e.getMessage();
        String message = full.length() > 4000 ? full.substring(0, 4000) : full;
        try {
            boolean recorded = retryable ? store.recordProblem(message) : store.fail(message);
            if (!recorded) {
                log.warn("Failure not recorded: a newer attempt owns job {}", store.jobId());
            }
        } catch (RuntimeException recordError) {
            log.error("Could not record the failure of job {}", store.jobId(), recordError);
        }
    }

    static Duration heartbeatPeriod(SparkConf conf) {
        return Duration.ofSeconds(conf.getLong(TrainerSettings.HEARTBEAT_SECONDS, 10));
    }

    static Database database(SparkConf conf) {
        Map<String, String> sparkConf = new HashMap<>();
        for (Tuple2<String, String> entry : conf.getAll()) {
            sparkConf.put(entry._1(), entry._2());
        }
        Map<String, String> env = System.getenv();
        String url = TrainerSettings.DB_URL.lookup(env, sparkConf);
        if (url == null) {
            throw new IllegalStateException("No database: set " + TrainerSettings.DB_URL.environment() + " or "
                    + TrainerSettings.DB_URL.sparkConf());
        }
        String retry = sparkConf.getOrDefault(TrainerSettings.DB_RETRY_SECONDS, "60");
        return new Database(url, TrainerSettings.DB_USER.lookup(env, sparkConf),
                TrainerSettings.DB_PASSWORD.lookup(env, sparkConf), Duration.ofSeconds(Long.parseLong(retry)));
    }
}
