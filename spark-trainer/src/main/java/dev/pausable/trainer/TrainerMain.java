package dev.pausable.trainer;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.trainer.db.Database;
import dev.pausable.trainer.db.Heartbeat;
import dev.pausable.trainer.db.JobStore;
import dev.pausable.trainer.db.StaleAttemptException;
import dev.pausable.trainer.train.Outcome;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * spark-submit entry point ({@code --class dev.pausable.trainer.TrainerMain}). The master comes
 * from spark-submit, never from code. Exit codes: 0 for a recorded outcome (completed, paused,
 * cancelled, generated), 1 for a failure recorded as FAILED, 2 for bad arguments, 3 when a newer
 * attempt owns the job (nothing written).
 */
public final class TrainerMain {

    private static final Logger log = LoggerFactory.getLogger(TrainerMain.class);

    private TrainerMain() {
    }

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
        SparkSession spark = SparkSession.builder().appName(args.tag().toString())
                .getOrCreate();
        JobStore store = null;
        try (Database db = database(spark.sparkContext().getConf())) {
            store = new JobStore(db, args.jobId(), args.attempt());
            Outcome outcome;
            try (Heartbeat ignored = Heartbeat.start(store, heartbeatPeriod(spark.sparkContext().getConf()))) {
                outcome = new Trainer(spark, store).run(args);
            }
            log.info("Job {} attempt {}: {}", args.jobId(), args.attempt(), outcome);
            return 0;
        } catch (StaleAttemptException e) {
            log.warn("Stopping without writing: {}", e.getMessage());
            return 3;
        } catch (Exception e) {
            log.error("Job {} attempt {} failed", args.jobId(), args.attempt(), e);
            if (store != null) {
                recordFailure(store, e);
            }
            return 1;
        } finally {
            spark.stop();
        }
    }

    static void recordFailure(JobStore store, Exception e) {
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        try {
            if (!store.fail(message.length() > 4000 ? message.substring(0, 4000) : message)) {
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
