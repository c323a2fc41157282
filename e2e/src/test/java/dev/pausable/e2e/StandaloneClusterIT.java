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
     * Epochs of about 300 rounds, a few seconds here, so that the kill lands within an epoch's rounds
     * rather than in its validation and checkpoint (with the round exchange those rounds took about half of
     * a 3,000-row epoch); enough of them that the second attempt is still early on when it is killed.
     */
    private static final int EPOCHS = 8;
    private static final int ROWS = 24_000;

    @Test
    void aClusterModeJobPausesOnTheClusterAndResumesThereAsANewDriver() throws Exception {
        ControlPlaneProcess controlPlane = ControlPlaneProcess.create("standalone");
        try (StandaloneCluster cluster = StandaloneCluster.start(controlPlane.work.resolve("cluster"), 2, 2);
             ControlPlaneProcess running = controlPlane.withArgs(
                     "--pausable.spark.master=" + cluster.masterUrl(),
                     "--pausable.spark.deploy-mode=cluster",
                     "--pausable.spark.rest-url=" + cluster.restUrl(),
                     "--pausable.spark.conf[spark.cores.max]=2",
                     "--pausable.spark.conf[spark.executor.memory]=1g").start()) {
            Api api = running.api;
            String dataset = api.syntheticDataset(ROWS, 5);
            String id = api.train(dataset, "On the cluster", EPOCHS, 17, "\"averaging_frequency\": 1");

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
                    && j.get("current_round").asInt() <= j.get("rounds_per_epoch").asInt() / 2
                    && j.get("current_epoch").asInt() < EPOCHS / 2, "attempt 2 in the first half of an epoch", RUN);
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
