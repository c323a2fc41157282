package dev.pausable.controlplane.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits the trainer through SPARK_HOME/bin/spark-submit with Spark's launcher library. The app name
 * is the submission tag, the database settings travel in the child's environment, and each
 * submission's output goes to {@code <logDirectory>/<tag>.log}.
 */
class SparkJobLauncher implements JobLauncher {

    private static final Logger log = LoggerFactory.getLogger(SparkJobLauncher.class);

    private final SparkProperties spark;
    private final SubmitCommand.DatabaseTarget database;
    private final Map<String, SparkAppHandle> handles = new ConcurrentHashMap<>();
    private final SubmissionEnded ended;

    /** Told when a client-mode submission's process is gone, with its final state and log. */
    interface SubmissionEnded {
        void ended(String submissionId, String state, Path logFile);
    }

    SparkJobLauncher(SparkProperties spark, SubmitCommand.DatabaseTarget database, SubmissionEnded ended) {
        this.spark = spark;
        this.database = database;
        this.ended = ended;
    }

    @Override
    public String submit(LaunchRequest request) throws LaunchException {
        if (spark.trainerJar() == null || !Files.isRegularFile(spark.trainerJar())) {
            throw new LaunchException("Trainer jar not found: " + spark.trainerJar()
                    + " (set pausable.spark.trainer-jar)");
        }
        if (!Files.isExecutable(spark.home().resolve("bin").resolve("spark-submit"))) {
            throw new LaunchException("No executable bin/spark-submit under SPARK_HOME " + spark.home());
        }
        SubmitCommand command = SubmitCommand.of(request, spark, database, Map.of());
        try {
            Files.createDirectories(spark.logDirectory());
            Path logFile = spark.logDirectory().resolve(command.appName() + ".log").toAbsolutePath();
            SparkLauncher launcher = new SparkLauncher(command.environment())
                    .setSparkHome(spark.home().toAbsolutePath().toString())
                    .setAppName(command.appName())
                    .setMaster(command.master())
                    .setDeployMode(command.deployMode())
                    .setMainClass(command.mainClass())
                    .setAppResource(command.appResource())
                    .redirectError()
                    .redirectOutput(logFile.toFile());
            command.conf().forEach(launcher::setConf);
            launcher.addAppArgs(command.appArgs().toArray(String[]::new));
            SparkAppHandle handle = launcher.startApplication(new Forget(command.appName(), logFile));
            handles.put(command.appName(), handle);
            log.info("Submitted {} to {} ({} mode); log: {}", command.appName(), command.master(),
                    command.deployMode(), logFile);
            return command.appName();
        } catch (IOException e) {
            throw new LaunchException("spark-submit could not be started: " + e.getMessage(), e);
        }
    }

    @Override
    public void kill(String submissionId) {
        SparkAppHandle handle = handles.remove(submissionId);
        if (handle != null && !handle.getState().isFinal()) {
            // stop() asks the driver to end but leaves its JVM running; kill() ends the process.
            try {
                handle.stop();
            } catch (RuntimeException e) {
                log.debug("stop() of {} failed: {}", submissionId, e.toString());
            }
            handle.kill();
        }
    }

    /**
     * Drops the handle of a finished submission and reports the end. In cluster mode the launcher's
     * handle reports LOST even on success (the driver runs elsewhere), so only client mode reports.
     */
    private final class Forget implements SparkAppHandle.Listener {

        private final String tag;
        private final Path logFile;

        Forget(String tag, Path logFile) {
            this.tag = tag;
            this.logFile = logFile;
        }

        @Override
        public void stateChanged(SparkAppHandle handle) {
            if (handle.getState().isFinal()) {
                handles.remove(tag);
                log.info("Submission {} ended in state {}", tag, handle.getState());
                if (!"cluster".equals(spark.deployMode())) {
                    ended.ended(tag, handle.getState().name(), logFile);
                }
            }
        }

        @Override
        public void infoChanged(SparkAppHandle handle) {
            // The application id is recorded by the trainer itself.
        }
    }
}
