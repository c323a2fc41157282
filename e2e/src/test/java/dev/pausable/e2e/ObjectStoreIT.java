package dev.pausable.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints in a real S3 bucket (s3proxy), seen from outside: every committed object is in the bucket
 * with its committed size; resume checks the object before it answers (missing: 400; store unreachable:
 * 503, the job stays PAUSED); the sweeper lists the bucket, deletes an object no row references once
 * older than its grace, and marks a row whose object is gone, so the latest checkpoint falls back.
 */
class ObjectStoreIT {

    private static final Duration RUN = Duration.ofMinutes(4);

    @Test
    void checkpointsLiveInTheBucketAndResumeAndTheSweeperCheckTheObjects() throws Exception {
        Path root = Files.createTempDirectory(Files.createDirectories(Path.of("target", "e2e")), "s3").toAbsolutePath();
        try (S3Server s3 = S3Server.start(root);
             ControlPlaneProcess controlPlane = ControlPlaneProcess.create("object-store",
                     "--pausable.sweeper.interval=1s", "--pausable.sweeper.grace=3s").on(s3).start()) {
            Api api = controlPlane.api;
            Twins twins = new Twins(api, s3::file);
            String dataset = api.syntheticDataset(2000, 5);
            String config = "\"checkpoint_every_epochs\": 1";

            // A pause object deleted behind the control plane's back: resume refuses, the row is marked.
            String lost = api.train(dataset, "Pause object lost", 30, 7, config);
            JsonNode lostPaused = pauseAt(api, lost, 2);
            Path lostObject = s3.file(lostPaused.get("pause_checkpoint_path").asText());
            assertThat(Files.size(lostObject)).isEqualTo(lostPaused.get("pause_checkpoint_size").asLong());
            Files.delete(lostObject);
            JsonNode refused = api.post("/v1/training/jobs/" + lost + "/resume", null, 400);
            assertThat(refused.get("detail").asText()).endsWith(" is missing from the object store");
            JsonNode fellBack = api.await(lost, j -> j.path("latest_checkpoint").path("epoch").asInt(Integer.MAX_VALUE)
                    < lostPaused.get("pause_checkpoint_epoch").asInt(), "latest checkpoint falls back", RUN);
            assertThat(fellBack.get("status").asText()).isEqualTo("paused");
            assertThat(fellBack.get("latest_checkpoint").get("kind").asText()).isIn("periodic", "best");

            // The store unreachable: resume cannot check the object, answers 503 and changes nothing.
            String job = api.train(dataset, "On S3", 12, 7, config);
            JsonNode paused = pauseAt(api, job, 2);
            s3.freeze();
            try {
                JsonNode unavailable = api.post("/v1/training/jobs/" + job + "/resume", null, 503);
                assertThat(unavailable.get("detail").asText()).startsWith("Cannot check checkpoint s3a://");
            } finally {
                s3.thaw();
            }
            assertThat(api.job(job).get("status").asText()).isEqualTo("paused");
            assertThat(api.job(job).get("attempt").asInt()).isEqualTo(paused.get("attempt").asInt());

            // An object no row names (an upload whose attempt died before its commit): swept after the grace.
            Path orphan = s3.file(paused.get("pause_checkpoint_path").asText()).resolveSibling("orphan.ckpt");
            Files.write(orphan, new byte[4096]);
            Await.until("the sweeper removed " + orphan, RUN, () -> !Files.exists(orphan));
            assertThat(s3.file(paused.get("pause_checkpoint_path").asText())).as("the live pause object").exists();

            assertThat(api.resume(job).get("message").asText()).startsWith("Training resumed from epoch ");
            api.awaitStatus(job, "completed", RUN);
            twins.assertWithinRetention(job);
            Await.until("no object of " + job + " without a live row", RUN,
                    () -> twins.unreferencedObjects(job).isEmpty());
        }
    }

    private static JsonNode pauseAt(Api api, String job, int epoch) throws Exception {
        api.awaitRunningAtEpoch(job, epoch, RUN);
        api.pause(job);
        return api.awaitStatus(job, "paused", RUN);
    }
}
