package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 from outside: the driver of a running job gets SIGTERM (what a preempted node, an eviction
 * or {@code spark-submit --kill} sends) in the middle of an epoch. It finishes its round, commits a
 * checkpoint, hands the job to attempt 2 and exits by itself; the control plane submits attempt 2 from
 * that checkpoint without counting a restart, and the job ends identical to an uninterrupted twin.
 */
class PreemptionIT {

    private static final Duration RUN = Duration.ofMinutes(4);
    /**
     * Epochs of about 200 rounds, so that the SIGTERM lands within an epoch's rounds rather than in its
     * validation and checkpoint, and enough of them that the job is still training when it comes. It is
     * sent when the job reports (every 250 ms) a round in an epoch's first quarter, so that the rounds
     * trained since that report cannot carry the epoch to its end.
     */
    private static final int EPOCHS = 6;
    private static final int ROWS = 16_000;
    private static final long SEED = 37;
    private static final String ROUNDS = "\"averaging_frequency\": 1";

    @Test
    void aDriverToldToStopCheckpointsItsRoundAndTheNextAttemptEndsIdenticalToAnUninterruptedTwin() throws Exception {
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("preempt")
                .withArgs(ControlPlaneProcess.FREQUENT_ROUND_REPORTS).start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(ROWS, 19);
            String twin = api.train(dataset, "Twin", EPOCHS, SEED, ROUNDS);
            String job = api.train(dataset, "Preempted", EPOCHS, SEED, ROUNDS);

            api.await(job, j -> j.get("status").asText().equals("running") && j.get("current_epoch").asInt() >= 1
                    && j.get("current_round").asInt() >= 1
                    && j.get("current_round").asInt() <= j.get("rounds_per_epoch").asInt() / 4,
                    "in the first quarter of epoch 2 or a later one", RUN);
            ProcessHandle driver = DriverCrashIT.driverJvm(job, 1);
            long signalled = System.nanoTime();
            assertThat(driver.destroy()).as("SIGTERM sent").isTrue();
            driver.onExit().get(60, TimeUnit.SECONDS);
            long exitMillis = (System.nanoTime() - signalled) / 1_000_000;

            JsonNode handedOver = api.await(job, j -> j.get("attempt").asInt() == 2
                    && j.get("status").asText().equals("running"), "attempt 2 running", RUN);
            long resumedMillis = (System.nanoTime() - signalled) / 1_000_000;
            JsonNode checkpoint = api.checkpoints(job).stream().filter(c -> c.get("attempt").asInt() == 1
                    && c.get("round").asInt() > 0).findFirst().orElseThrow();
            int epoch = checkpoint.get("epoch").asInt();
            int round = checkpoint.get("round").asInt();
            System.out.printf("PreemptionIT: SIGTERM -> driver exited %d ms (checkpoint at epoch %d, round %d);"
                    + " SIGTERM -> attempt 2 running %d ms%n", exitMillis, epoch, round, resumedMillis);
            assertThat(checkpoint.get("kind").asText()).isEqualTo("periodic");
            assertThat(handedOver.get("restart_count").asInt()).as("not a restart of max_restarts").isZero();
            assertThat(handedOver.get("restart_reason").asText()).isEqualTo("preempted");
            assertThat(api.events(job)).anySatisfy(e -> assertThat(e.path("reason").asText()).isEqualTo(
                    "preempted at epoch " + epoch + ", round " + round + "; attempt 2 resumes from its checkpoint"));

            JsonNode completed = api.awaitStatus(job, "completed", RUN);
            assertThat(completed.get("attempt").asInt()).isEqualTo(2);
            api.awaitStatus(twin, "completed", RUN);
            Twins.local(api).assertIdentical(job, twin);
            assertThat(api.metrics(job)).as("the interrupted epoch trained once, by attempt 2")
                    .filteredOn(m -> m.get("epoch").asInt() == epoch + 1)
                    .extracting(m -> m.get("attempt").asInt()).containsExactly(2);
        }
    }
}
