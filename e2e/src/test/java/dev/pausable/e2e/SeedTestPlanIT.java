package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The seed's test plan (Tests 1, 2, 3, 4 and 6) through the REST API only, against real processes:
 * the control plane jar on its embedded PostgreSQL, spark-submit from the SPARK_HOME built from Maven
 * Central, the trainer jar on Spark local[2], checkpoints on the local file system. One dataset and
 * one control plane serve every test; Test 6's uninterrupted twin trains while Tests 1 to 4 run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedTestPlanIT {

    private static final Duration RUN = Duration.ofMinutes(4);
    private static final int TWIN_EPOCHS = 10;
    private static final long TWIN_SEED = 29;

    private static ControlPlaneProcess controlPlane;
    private static Api api;
    private static String dataset;
    private static String uninterruptedTwin;
    private static String threeCycles;

    @BeforeAll
    static void startTheStackAndGenerateTheDataset() throws Exception {
        controlPlane = ControlPlaneProcess.create("seed-plan").start();
        api = controlPlane.api;
        dataset = api.syntheticDataset(6000, 3);
        uninterruptedTwin = api.train(dataset, "Test 6 twin", TWIN_EPOCHS, TWIN_SEED, "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (controlPlane != null) {
            controlPlane.close();
        }
    }

    @Test
    @Order(1)
    void test1CreateRunPauseResumeComplete() throws Exception {
        String id = api.train(dataset, "Pause Resume Test", 12, 11, "");
        api.awaitRunningAtEpoch(id, 2, RUN);

        JsonNode pausing = api.pause(id);
        assertThat(pausing.get("status").asText()).isEqualTo("pausing");
        assertThat(pausing.get("message").asText()).isEqualTo("Training will pause after completing the current epoch");

        JsonNode paused = api.awaitStatus(id, "paused", RUN);
        int pausedEpoch = paused.get("pause_checkpoint_epoch").asInt();
        assertThat(pausedEpoch).isEqualTo(paused.get("current_epoch").asInt()).isBetween(2, 11);
        Path checkpoint = Path.of(URI.create(paused.get("pause_checkpoint_path").asText()));
        assertThat(sha256(checkpoint)).as("the object holds what was committed")
                .isEqualTo(paused.get("pause_checkpoint_sha256").asText());
        assertThat(Files.size(checkpoint)).isEqualTo(paused.get("pause_checkpoint_size").asLong());

        JsonNode resumed = api.resume(id);
        assertThat(resumed.get("status").asText()).isEqualTo("queued");
        assertThat(resumed.get("submission_id").asText()).isEqualTo("pausable-" + id + "-a2");
        assertThat(resumed.get("message").asText()).isEqualTo("Training resumed from epoch " + pausedEpoch);

        JsonNode completed = api.awaitStatus(id, "completed", RUN);
        assertThat(completed.get("attempt").asInt()).isEqualTo(2);
        assertThat(completed.get("current_epoch").asInt()).isEqualTo(12);
        assertThat(completed.get("pause_checkpoint_path").isNull()).as("cleared after the resumed epoch").isTrue();
        // Released once a newer checkpoint is committed (the final model at the latest); its object goes
        // right after that commit.
        Await.until("the consumed pause checkpoint deleted", Duration.ofSeconds(30), () -> !Files.exists(checkpoint));
        assertThat(checkpoint).as("the consumed pause checkpoint is deleted").doesNotExist();

        List<JsonNode> metrics = api.metrics(id);
        assertThat(metrics).extracting(m -> m.get("epoch").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 12).boxed().toList());
        JsonNode firstResumed = metrics.get(pausedEpoch);
        assertThat(firstResumed.get("epoch").asInt()).isEqualTo(pausedEpoch + 1);
        assertThat(firstResumed.get("attempt").asInt()).isEqualTo(2);
        assertThat(api.statusTrail(id)).containsSubsequence("queued", "running", "pausing", "paused", "queued",
                "running", "completed");
    }

    /**
     * Tests 2 and 3 on one job: a pause asked during epoch 1 (the seed's 4.1: it takes effect once
     * epoch 1 completes), one in the middle and one late, each resumed; then it completes and the
     * final model loads with plain DL4J.
     */
    @Test
    @Order(2)
    void test2And3PausesEarlyMiddleAndLateThenCompletesWithALoadableModel() throws Exception {
        threeCycles = api.train(dataset, "Three cycles", TWIN_EPOCHS, TWIN_SEED, "");
        api.await(threeCycles, j -> j.get("status").asText().equals("running"), "running", RUN);

        JsonNode early = api.pause(threeCycles);
        int[] pausedAt = new int[3];
        pausedAt[0] = pausedEpoch(threeCycles);
        if (early.get("current_epoch").asInt() == 0) {
            assertThat(pausedAt[0]).as("4.1: asked during epoch 1, paused after it").isEqualTo(1);
        }
        resume(threeCycles, pausedAt[0], 2);

        // Asked once epoch 3 (6) is recorded, the pause lands after the epoch in training, 4 (7), or after
        // 5 or 6 (8 or 9) when the job has trained on before the request: epochs take well under a second.
        api.awaitRunningAtEpoch(threeCycles, 3, RUN);
        api.pause(threeCycles);
        pausedAt[1] = pausedEpoch(threeCycles);
        resume(threeCycles, pausedAt[1], 3);

        api.awaitRunningAtEpoch(threeCycles, 6, RUN);
        api.pause(threeCycles);
        pausedAt[2] = pausedEpoch(threeCycles);
        resume(threeCycles, pausedAt[2], 4);

        assertThat(pausedAt[0]).as("early").isLessThanOrEqualTo(2);
        assertThat(pausedAt[1]).as("middle").isBetween(4, 6);
        assertThat(pausedAt[2]).as("late").isBetween(7, TWIN_EPOCHS - 1);

        JsonNode completed = api.awaitStatus(threeCycles, "completed", RUN);
        assertThat(completed.get("attempt").asInt()).isEqualTo(4);
        List<JsonNode> metrics = api.metrics(threeCycles);
        assertThat(metrics).extracting(m -> m.get("epoch").asInt())
                .containsExactlyElementsOf(IntStream.rangeClosed(1, TWIN_EPOCHS).boxed().toList());
        for (int cycle = 0; cycle < 3; cycle++) {
            assertThat(metrics.get(pausedAt[cycle]).get("attempt").asInt()).as("epoch after pause " + cycle)
                    .isEqualTo(cycle + 2);
        }

        JsonNode finalModel = api.checkpoints(threeCycles).stream()
                .filter(c -> c.get("kind").asText().equals("final")).findFirst().orElseThrow();
        File file = Path.of(URI.create(finalModel.get("uri").asText())).toFile();
        assertThat(sha256(file.toPath())).isEqualTo(finalModel.get("sha256").asText());
        MultiLayerNetwork model = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertThat(model.numParams()).isGreaterThan(0);
        assertThat(model.getLayerWiseConfigurations().getConfs()).hasSize(3);
    }

    @Test
    @Order(3)
    void test4EdgeCasesAnswerWithTheSeedsMessages() throws Exception {
        String synthetic = api.post("/v1/training/jobs", """
                {"job_name": "rss-more", "job_type": "synthetic_data", "config": {"num_samples": 500}}""", 201)
                .get("id").asText();
        assertThat(refusal("/pause", synthetic)).isEqualTo("Cannot pause synthetic data generation jobs");

        String oneEpoch = api.train(dataset, "One epoch", 1, 5, "");
        // Asked at once: its driver takes seconds to start, so the job is still pending or just queued.
        assertThat(refusal("/pause", oneEpoch)).matches("Cannot pause job in status '(pending|queued)'");
        api.awaitStatus(oneEpoch, "completed", RUN);
        assertThat(refusal("/pause", oneEpoch)).isEqualTo("Cannot pause job in status 'completed'");
        assertThat(refusal("/resume", oneEpoch)).isEqualTo("Cannot resume job in status 'completed'");

        String missing = api.post("/v1/datasets", """
                {"name": "gone", "uri": "%s", "feature_columns": ["rss_0"],
                 "label_columns": ["x", "y"], "num_samples": 10}""".formatted(controlPlane.work.resolve("datasets")
                .resolve("nonexistent-" + UUID.randomUUID()).toUri()), 201)
                .get("id").asText();
        String failing = api.train(missing, "No data", 3, 5, "");
        JsonNode failed = api.await(failing, j -> j.get("status").asText().equals("failed"), "failed", RUN);
        assertThat(failed.get("error_message").asText()).isNotBlank();
        assertThat(refusal("/pause", failing)).isEqualTo("Cannot pause job in status 'failed'");

        String running = api.train(dataset, "Edge", 30, 5, "");
        api.awaitRunningAtEpoch(running, 1, RUN);
        assertThat(refusal("/resume", running)).isEqualTo("Cannot resume job in status 'running'");
        api.pause(running);
        JsonNode paused = api.awaitStatus(running, "paused", RUN);
        assertThat(refusal("/pause", running)).isEqualTo("Cannot pause job in status 'paused'");

        String checkpoint = paused.get("pause_checkpoint_path").asText();
        setPauseCheckpointPath(running, null);
        assertThat(refusal("/resume", running)).isEqualTo("No pause checkpoint found");
        assertThat(api.job(running).get("status").asText()).as("nothing lost").isEqualTo("paused");
        setPauseCheckpointPath(running, checkpoint);
        api.resume(running);
        api.awaitRunningAtEpoch(running, paused.get("current_epoch").asInt() + 1, RUN);
        api.post("/v1/training/jobs/" + running + "/cancel", null, 202);
        api.await(running, j -> j.get("status").asText().equals("cancelled"), "cancelled", RUN);
    }

    /** Test 6 from outside: a run paused three times reports the same validation losses as one never paused. */
    @Test
    @Order(4)
    void test6AResumedRunMatchesAnUninterruptedRunEpochForEpoch() throws Exception {
        assertThat(threeCycles).as("Test 2 ran").isNotNull();
        api.awaitStatus(uninterruptedTwin, "completed", RUN);
        List<JsonNode> twin = api.metrics(uninterruptedTwin);
        List<JsonNode> resumed = api.metrics(threeCycles);
        assertThat(twin).hasSize(TWIN_EPOCHS);
        assertThat(resumed).hasSize(TWIN_EPOCHS);
        for (int epoch = 0; epoch < TWIN_EPOCHS; epoch++) {
            assertThat(resumed.get(epoch).get("val_loss").asDouble()).as("val_loss of epoch " + (epoch + 1))
                    .isEqualTo(twin.get(epoch).get("val_loss").asDouble());
            assertThat(resumed.get(epoch).get("train_loss").asDouble()).as("train_loss of epoch " + (epoch + 1))
                    .isEqualTo(twin.get(epoch).get("train_loss").asDouble());
            assertThat(resumed.get(epoch).get("learning_rate").asDouble())
                    .isEqualTo(twin.get(epoch).get("learning_rate").asDouble());
        }
        JsonNode a = api.job(threeCycles);
        JsonNode b = api.job(uninterruptedTwin);
        assertThat(a.get("best_val_loss").asDouble()).isEqualTo(b.get("best_val_loss").asDouble());
        assertThat(a.get("best_epoch").asInt()).isEqualTo(b.get("best_epoch").asInt());
    }

    private static int pausedEpoch(String id) throws Exception {
        JsonNode paused = api.awaitStatus(id, "paused", RUN);
        assertThat(paused.get("pause_checkpoint_epoch").asInt()).isEqualTo(paused.get("current_epoch").asInt());
        return paused.get("pause_checkpoint_epoch").asInt();
    }

    private static void resume(String id, int pausedEpoch, int attempt) throws Exception {
        JsonNode resumed = api.resume(id);
        assertThat(resumed.get("message").asText()).isEqualTo("Training resumed from epoch " + pausedEpoch);
        api.await(id, j -> j.get("attempt").asInt() == attempt && j.get("current_epoch").asInt() > pausedEpoch,
                "epoch " + (pausedEpoch + 1) + " of attempt " + attempt, RUN);
    }

    private static String refusal(String intent, String id) throws Exception {
        JsonNode problem = api.post("/v1/training/jobs/" + id + intent, null, 400);
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        return problem.get("detail").asText();
    }

    /** The seed's 4.5 step, done as an operator in psql would. */
    private static void setPauseCheckpointPath(String id, String path) throws Exception {
        try (Connection db = DriverManager.getConnection(controlPlane.jdbcUrl());
             PreparedStatement update = db.prepareStatement(
                     "UPDATE training_jobs SET pause_checkpoint_path = ? WHERE id = ?")) {
            update.setString(1, path);
            update.setObject(2, UUID.fromString(id));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
