package dev.pausable.controlplane.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
    private final Map<String, List<ProcessHandle>> adopted = new ConcurrentHashMap<>();
    private final LocalProcesses processes;

    /** Told when a client-mode submission's process is gone, with its final state and log. */
    interface SubmissionEnded {
        void ended(String submissionId, String state, Path logFile);
    }

    SparkJobLauncher(SparkProperties spark, SubmitCommand.DatabaseTarget database, SubmissionEnded ended,
                     LocalProcesses processes) {
        this.spark = spark;
        this.database = database;
        this.ended = ended;
        this.processes = processes;
    }

    @Override
    public Submission submit(LaunchRequest request) throws LaunchException {
        if (spark.trainerJar() == null || !Files.isRegularFile(spark.trainerJar())) {
            throw LaunchException.misconfigured("Trainer jar not found: " + spark.trainerJar()
                    + " (set pausable.spark.trainer-jar)");
        }
        if (!Files.isExecutable(spark.home().resolve("bin").resolve("spark-submit"))) {
            throw LaunchException.misconfigured("No executable bin/spark-submit under SPARK_HOME " + spark.home());
        }
        SubmitCommand command = SubmitCommand.of(request, spark, database);
        try {
            Files.createDirectories(spark.logDirectory());
            Path logFile = logFile(command.appName());
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
            SparkAppHandle handle = launcher.startApplication(new Forget(command.appName()));
            handles.put(command.appName(), handle);
            log.info("Submitted {} to {} ({} mode); log: {}", command.appName(), command.master(),
                    command.deployMode(), logFile);
            return Submission.tagged(command.appName());
        } catch (IOException e) {
            throw new LaunchException("spark-submit could not be started: " + e.getMessage(), e);
        }
    }

    private Path logFile(String tag) {
        return spark.logDirectory().resolve(tag + ".log").toAbsolutePath();
    }

    @Override
    public void kill(Submission submission) {
        SparkAppHandle handle = handles.remove(submission.tag());
        if (handle != null && !handle.getState().isFinal()) {
            // stop() asks the driver to end but leaves its JVM running; kill() ends the process.
            try {
                handle.stop();
            } catch (RuntimeException e) {
                log.debug("stop() of {} failed: {}", submission.tag(), e.toString());
            }
            handle.kill();
        }
        List<ProcessHandle> orphans = adopted.remove(submission.tag());
        if (orphans != null) {
            orphans.forEach(ProcessHandle::destroy);
        }
    }

    /**
     * Alive while this control plane's handle is, or while a process on this host names the tag on
     * its command line (spark-submit passes it as {@code --name}): that is how a driver started
     * before a restart is found again. An adopted driver's end is reported like any other.
     */
    @Override
    public Liveness probe(Submission submission) {
        SparkAppHandle handle = handles.get(submission.tag());
        if (handle != null) {
            return handle.getState().isFinal() ? Liveness.GONE : Liveness.ALIVE;
        }
        List<ProcessHandle> known = adopted.get(submission.tag());
        if (known != null && known.stream().anyMatch(ProcessHandle::isAlive)) {
            return Liveness.ALIVE;
        }
        List<ProcessHandle> found = processes.named(submission.tag());
        if (found.isEmpty()) {
            return Liveness.GONE;
        }
        if (adopted.putIfAbsent(submission.tag(), found) == null) {
            log.info("Re-adopted {} (pid {})", submission.tag(), found.stream().map(ProcessHandle::pid).toList());
            CompletableFuture.allOf(found.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                    .thenRun(() -> {
                        adopted.remove(submission.tag());
                        reportEnd(submission.tag(), "EXITED");
                    });
        }
        return Liveness.ALIVE;
    }

    /**
     * A client-mode driver's process is gone. In cluster mode the local process is only spark-submit
     * (its handle reports LOST even on success, the driver runs elsewhere), so its end proves nothing.
     */
    private void reportEnd(String tag, String state) {
        if (!"cluster".equals(spark.deployMode())) {
            ended.ended(tag, state, logFile(tag));
        }
    }

    /** Drops the handle of a finished submission and reports the end. */
    private final class Forget implements SparkAppHandle.Listener {

        private final String tag;

        Forget(String tag) {
            this.tag = tag;
        }

        @Override
        public void stateChanged(SparkAppHandle handle) {
            if (handle.getState().isFinal()) {
                handles.remove(tag);
                log.info("Submission {} ended in state {}", tag, handle.getState());
                reportEnd(tag, handle.getState().name());
            }
        }

        @Override
        public void infoChanged(SparkAppHandle handle) {
            // The application id is recorded by the trainer itself.
        }
    }
}
