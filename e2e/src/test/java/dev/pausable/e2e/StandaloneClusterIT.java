package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Pause and resume on a real standalone cluster (a master and two workers started here), in cluster
 * mode: the control plane submits each attempt through the master's REST gateway, the driver runs on
 * a worker, and the job's driver id is tracked there. Then {@code spark-submit --kill} of the resumed
 * driver within an epoch: it checkpoints its round within the worker's 10 s before SIGKILL and hands the
 * job to attempt 3, which the control plane submits and which completes.
 */
class StandaloneClusterIT {

    private static final Duration RUN = Duration.ofMinutes(5);
    /**
     * The kill must land within an epoch's rounds, not in its validation and checkpoint, although it
     * reaches the driver 4-8 s after the test decides (spark-submit's JVM, the master, the worker):
     * epochs of 400 rounds of a [512, 512] network, about 12 s of rounds here, and the kill only when the
     * job reports one of an epoch's first rounds (reported every 250 ms). A [32, 32] network's 300 rounds
     * took 2-5 s through the round exchange, and the kill often arrived after them.
     */
    private static final int EPOCHS = 6;
    private static final int ROWS = 32_000;
    private static final String CONFIG = "\"averaging_frequency\": 1, \"hidden_layers\": [512, 512]";

    @Test
    void aClusterModeJobPausesOnTheClusterAndResumesThereAsANewDriver() throws Exception {
        ControlPlaneProcess controlPlane = ControlPlaneProcess.create("standalone");
        try (StandaloneCluster cluster = StandaloneCluster.start(controlPlane.work.resolve("cluster"), 2, 2);
             ControlPlaneProcess running = controlPlane.withArgs(
                     "--pausable.spark.master=" + cluster.masterUrl(),
                     "--pausable.spark.deploy-mode=cluster",
                     "--pausable.spark.rest-url=" + cluster.restUrl(),
                     "--pausable.spark.conf[spark.cores.max]=2",
                     "--pausable.spark.conf[spark.executor.memory]=1g",
                     ControlPlaneProcess.FREQUENT_ROUND_REPORTS).start()) {
            Api api = running.api;
            String dataset = api.syntheticDataset(ROWS, 5);
            String id = api.train(dataset, "On the cluster", EPOCHS, 17, CONFIG);

            JsonNode first = api.awaitRunningAtEpoch(id, 1, RUN);
            String firstDriver = first.get("spark_driver_id").asText();
            assertThat(firstDriver).startsWith("driver-");
            JsonNode status = cluster.driverStatus(firstDriver);
            assertThat(status.get("driverState").asText()).isEqualTo("RUNNING");
            assertThat(status.get("workerHostPort").asText()).startsWith("127.0.0.1:");

            api.pause(id);
            JsonNode paused = api.awaitStatus(id, "paused", RUN);
            int pausedEpoch = paused.get("pause_checkpoint_epoch").asInt();
            Await.until("driver " + firstDriver + " finished", Duration.ofMinutes(1),
                    () -> cluster.driverStatus(firstDriver).get("driverState").asText().equals("FINISHED"));

            JsonNode resumed = api.resume(id);
            assertThat(resumed.get("submission_id").asText()).isEqualTo("pausable-" + id + "-a2");
            JsonNode second = api.await(id, j -> j.get("attempt").asInt() == 2
                    && j.get("status").asText().equals("running") && j.get("current_round").asInt() >= 1
                    && j.get("current_round").asInt() <= j.get("rounds_per_epoch").asInt() / 8
                    && j.get("current_epoch").asInt() < EPOCHS - 1, "attempt 2 at the start of an epoch", RUN);
            String secondDriver = second.get("spark_driver_id").asText();
            assertThat(secondDriver).startsWith("driver-").isNotEqualTo(firstDriver);

            cluster.killWithSparkSubmit(secondDriver);
            JsonNode handedOver = api.await(id, j -> j.get("attempt").asInt() == 3, "handed to attempt 3", RUN);
            assertThat(handedOver.get("restart_reason").asText()).isEqualTo("preempted");
            assertThat(handedOver.get("restart_count").asInt()).isZero();
            assertThat(handedOver.get("latest_checkpoint").get("round").asInt()).as("checkpointed within the epoch")
                    .isPositive();
            // Exit code 0 before the worker's SIGKILL: the worker reports FINISHED (KILLED would mean it was killed).
            Await.until("driver " + secondDriver + " ended by itself", Duration.ofMinutes(1),
                    () -> cluster.driverStatus(secondDriver).get("driverState").asText().equals("FINISHED"));

            JsonNode completed = api.awaitStatus(id, "completed", RUN);
            assertThat(completed.get("attempt").asInt()).isEqualTo(3);
            String thirdDriver = completed.get("spark_driver_id").asText();
            assertThat(thirdDriver).startsWith("driver-").isNotIn(firstDriver, secondDriver);

            List<JsonNode> metrics = api.metrics(id);
            assertThat(metrics).extracting(m -> m.get("epoch").asInt())
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, EPOCHS).boxed().toList());
            assertThat(metrics.get(pausedEpoch).get("attempt").asInt()).as("trained after the resume").isIn(2, 3);
            // The master lists an application as completed once its driver has stopped Spark, which it does
            // after committing the outcome: wait for it.
            List<String> attempts = List.of("pausable-" + id + "-a1", "pausable-" + id + "-a2",
                    "pausable-" + id + "-a3");
            Await.until("both attempts among the master's completed applications", Duration.ofMinutes(1),
                    () -> cluster.masterState().path("completedapps").findValuesAsText("name").containsAll(attempts));
            List<String> appNames = cluster.masterState().path("completedapps").findValuesAsText("name");
            assertThat(appNames).contains("pausable-" + id + "-a1", "pausable-" + id + "-a2");
        }
    }
}
