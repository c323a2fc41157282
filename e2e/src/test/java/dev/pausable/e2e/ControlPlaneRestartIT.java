package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The control plane stops while drivers run and starts again on the same database: a driver that
 * kept running is re-adopted by its tag (and still pauses, resumes and is watched), one that died
 * meanwhile is found by the reconciler — stale heartbeat, no application — and failed with the reason.
 */
class ControlPlaneRestartIT {

    private static final Duration RUN = Duration.ofMinutes(4);

    @Test
    void runningDriversAreReAdoptedAfterARestartAndADeadOneIsFailedWithTheReason() throws Exception {
        try (ControlPlaneProcess first = ControlPlaneProcess.create("restart",
                "--pausable.reconciler.interval=1s",
                "--pausable.reconciler.heartbeat-timeout=6s",
                "--pausable.reconciler.launch-grace=10s",
                "--pausable.spark.conf[spark.pausable.heartbeatSeconds]=1").start()) {
            Api api = first.api;
            String dataset = api.syntheticDataset(3000, 7);
            String survivor = api.train(dataset, "Survives the restart", 300, 1, "");
            // Restarts off: this test is about the reconciler's verdict (restarts: DriverCrashIT).
            String victim = api.train(dataset, "Dies during the restart", 300, 2, "\"max_restarts\": 0");
            api.awaitRunningAtEpoch(survivor, 1, RUN);
            api.awaitRunningAtEpoch(victim, 1, RUN);

            first.stop();
            List<ProcessHandle> survivorDriver = driver(survivor);
            assertThat(survivorDriver).as("the driver outlives the control plane").isNotEmpty();
            for (ProcessHandle process : driver(victim)) {
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);
            }

            try (ControlPlaneProcess second = first.withArgs().start()) {
                JsonNode failed = api.await(victim, j -> j.get("status").asText().equals("failed"), "failed", RUN);
                assertThat(failed.get("error_message").asText())
                        .startsWith("Driver of pausable-" + victim + "-a1 stopped reporting (last heartbeat ")
                        .endsWith(") and its Spark application is gone");
                assertThat(api.events(victim)).last().satisfies(e -> {
                    assertThat(e.get("actor").asText()).isEqualTo("reconciler");
                    assertThat(e.get("to_value").asText()).isEqualTo("failed");
                });
                Await.until("re-adoption logged", Duration.ofSeconds(30),
                        () -> second.log().contains("Re-adopted pausable-" + survivor + "-a1"));

                int before = api.job(survivor).get("current_epoch").asInt();
                api.awaitRunningAtEpoch(survivor, before + 1, RUN);
                api.pause(survivor);
                JsonNode paused = api.awaitStatus(survivor, "paused", RUN);
                for (ProcessHandle process : survivorDriver) {
                    process.onExit().get(1, TimeUnit.MINUTES);
                }
                assertThat(api.job(survivor).get("status").asText()).as("its exit is no failure").isEqualTo("paused");

                api.resume(survivor);
                api.awaitRunningAtEpoch(survivor, paused.get("current_epoch").asInt() + 1, RUN);
                api.post("/v1/training/jobs/" + survivor + "/cancel", null, 202);
                api.await(survivor, j -> j.get("status").asText().equals("cancelled"), "cancelled", RUN);
            }
        }
    }

    /** The driver JVM of a job's first attempt, found the way the control plane finds it: by its tag. */
    private static List<ProcessHandle> driver(String jobId) {
        String tag = "pausable-" + jobId + "-a1";
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(tag)).orElse(false))
                .toList();
    }
}
