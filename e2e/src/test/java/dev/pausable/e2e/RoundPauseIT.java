package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 11 from outside: a pause asked for at the next averaging round, through the API of the real
 * control plane with a real spark-submit driver. The job stops within the epoch (current_epoch stays the
 * last completed one; the job shows the round it stopped at), resumes at the next round, and completes
 * with the same per-epoch validation losses and final parameters as an uninterrupted twin.
 */
class RoundPauseIT {

    private static final Duration RUN = Duration.ofMinutes(4);
    /**
     * Epochs of about 200 rounds, so that the pause lands within an epoch's rounds rather than at its end
     * (where it stops at the epoch boundary), and enough of them that the job is still training. It is
     * asked when the job reports (every 250 ms) a round in an epoch's first quarter, so that the rounds
     * trained since that report and until the driver reads the intent cannot carry the epoch to its end.
     */
    private static final int EPOCHS = 6;
    private static final int ROWS = 16_000;
    private static final long SEED = 31;
    /** One minibatch per worker per round: many rounds per epoch, so the pause lands inside one. */
    private static final String ROUNDS = "\"averaging_frequency\": 1";

    @Test
    void aPauseAtTheNextRoundStopsWithinTheEpochAndResumesBitIdenticalToAnUninterruptedTwin() throws Exception {
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.create("rounds")
                .withArgs(ControlPlaneProcess.FREQUENT_ROUND_REPORTS).start()) {
            Api api = controlPlane.api;
            String dataset = api.syntheticDataset(ROWS, 17);
            String twin = api.train(dataset, "Twin", EPOCHS, SEED, ROUNDS);
            String job = api.train(dataset, "Paused within an epoch", EPOCHS, SEED, ROUNDS);

            JsonNode running = api.await(job, j -> j.get("status").asText().equals("running")
                    && j.get("current_epoch").asInt() >= 1 && j.get("current_round").asInt() >= 1
                    && j.get("current_round").asInt() <= j.get("rounds_per_epoch").asInt() / 4,
                    "in the first quarter of epoch 2 or a later one", RUN);
            int rounds = running.get("rounds_per_epoch").asInt();
            long asked = System.nanoTime();
            JsonNode accepted = api.pause(job, "round");
            assertThat(accepted.get("message").asText())
                    .isEqualTo("Training will pause after completing the current averaging round");

            JsonNode paused = api.awaitStatus(job, "paused", RUN);
            long pauseMillis = (System.nanoTime() - asked) / 1_000_000;
            int epoch = paused.get("pause_checkpoint_epoch").asInt();
            int round = paused.get("pause_checkpoint_round").asInt();
            System.out.printf("RoundPauseIT: asked at epoch %d, round %d of %d; paused at epoch %d, round %d after %d ms%n",
                    running.get("current_epoch").asInt(), running.get("current_round").asInt(), rounds, epoch, round,
                    pauseMillis);
            assertThat(round).as("stopped within an epoch").isBetween(1, rounds - 1);
            assertThat(paused.get("current_epoch").asInt()).as("the last completed epoch").isEqualTo(epoch);
            assertThat(paused.get("current_round").asInt()).isEqualTo(round);
            assertThat(api.metrics(job)).as("no metrics row for the unfinished epoch").hasSize(epoch);

            JsonNode resumed = api.resume(job);
            assertThat(resumed.get("message").asText()).isEqualTo("Training resumed from epoch " + epoch + ", round " + round);

            api.awaitStatus(job, "completed", RUN);
            api.awaitStatus(twin, "completed", RUN);
            Twins.local(api).assertIdentical(job, twin);
            assertThat(api.events(job)).anySatisfy(e -> assertThat(e.path("reason").asText())
                    .isEqualTo("paused at epoch " + epoch + ", round " + round));
        }
    }
}
