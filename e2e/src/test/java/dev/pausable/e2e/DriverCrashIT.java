package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 from outside: the driver of a running job is killed with SIGKILL in the middle of an epoch.
 * The control plane notices the process end, restarts the job as the next attempt from its latest
 * verified checkpoint, and the job completes with the same per-epoch validation losses (the latest
 * attempt's value for each epoch) and the same final parameters as an uninterrupted twin.
 */
class DriverCrashIT {

    private static final Duration RUN = Duration.ofMinutes(4);
    /**
     * Enough epochs that the job is still training when the test acts on it: through the round exchange an
     * epoch of this data takes about half a second here.
     */
    private static final int EPOCHS = 12;
    private static final long SEED = 23;

    @Test
    void aKilledDriverIsRestartedFromTheLatestCheckpointAndEndsIdenticalToAnUninterruptedTwin() throws Exception {
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("crash",
                "--pausable.recovery.backoff=1s").start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(4000, 9);
            String twin = api.train(dataset, "Twin", EPOCHS, SEED, "\"checkpoint_every_epochs\": 1");
            String victim = api.train(dataset, "Killed", EPOCHS, SEED, "\"checkpoint_every_epochs\": 1");

            api.awaitRunningAtEpoch(victim, 3, RUN);
            List<ProcessHandle> driver = driver(victim, 1);
            assertThat(driver).as("the first attempt's driver, found by its tag").isNotEmpty();
            for (ProcessHandle process : driver) {
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);
            }

            JsonNode completed = api.awaitStatus(victim, "completed", RUN);
            assertThat(completed.get("attempt").asInt()).isEqualTo(2);
            assertThat(completed.get("restart_count").asInt()).isEqualTo(1);
            assertThat(completed.get("restart_reason").asText())
                    .startsWith("Spark application pausable-" + victim + "-a1 ended");
            assertThat(api.events(victim)).anySatisfy(e -> assertThat(e.path("reason").asText())
                    .startsWith("restart 1 of 3 from epoch "));
            api.awaitStatus(twin, "completed", RUN);

            Twins.local(api).assertIdentical(victim, twin);
            assertThat(api.metrics(victim)).extracting(m -> m.get("attempt").asInt()).contains(1, 2);
        }
    }

    /** Of {@link #driver}, the JVM itself (a signal meant for the driver must not go to a wrapper script). */
    static ProcessHandle driverJvm(String jobId, int attempt) {
        List<ProcessHandle> jvms = driver(jobId, attempt).stream()
                .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false)).toList();
        assertThat(jvms).as("the driver JVM of attempt " + attempt + ", found by its tag").hasSize(1);
        return jvms.get(0);
    }

    /** The driver JVM of one attempt, found the way an operator finds it: by its tag on the command line. */
    static List<ProcessHandle> driver(String jobId, int attempt) {
        String tag = "pausable-" + jobId + "-a" + attempt;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(tag)).orElse(false))
                .toList();
    }
}
