package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.launch.LaunchEvents;
import dev.pausable.controlplane.launch.LaunchRequest;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.Http;
import dev.pausable.controlplane.support.RecordingLauncher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import tools.jackson.databind.JsonNode;

/**
 * Issue 10 on the real database with the launcher fake: an attempt that ends without an outcome is
 * restarted from the latest verified checkpoint within the job's budget, then FAILED with every
 * reason; a failed job with a checkpoint resumes; a resume checks the object and, if it cannot be
 * launched, leaves the job paused.
 */
class RecoveryIT extends ApiITBase {

    private static final String JOBS = "/v1/training/jobs/";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @Autowired
    private ApplicationEventPublisher events;

    /** What the process watcher reports when a client-mode driver's process is gone. */
    private void driverGone(UUID job, int attempt) {
        events.publishEvent(new LaunchEvents.Ended("pausable-" + job + "-a" + attempt, "LOST", Path.of("driver.log")));
    }

    private void running(UUID job) {
        sql.sql("UPDATE training_jobs SET status = 'running', heartbeat_at = now() WHERE id = :id")
                .param("id", job).update();
    }

    private JsonNode job(UUID job) {
        return http.get(JOBS + job).body();
    }

    private List<RecordingLauncher.Recorded> submissions(UUID job) {
        return launcher.submissions().stream().filter(s -> s.request().jobId().equals(job)).toList();
    }

    @Test
    void aLostDriverIsRestartedFromTheLatestVerifiedCheckpoint() {
        UUID job = createTrainingJob(registerDataset(), 10);
        running(job);
        commitCheckpoint(job, "periodic", 2, 1);
        String latest = commitCheckpoint(job, "best", 3, 1);

        driverGone(job, 1);

        Await.until("restarted and submitted", DEADLINE, () -> submissions(job).size() == 2
                && "queued".equals(status(job)));
        LaunchRequest restart = submissions(job).get(1).request();
        assertThat(restart.attempt()).isEqualTo(2);
        assertThat(restart.reason()).isEqualTo(LaunchRequest.Reason.RESTART);
        assertThat(restart.checkpoint().uri()).isEqualTo(latest);
        assertThat(restart.checkpoint().epoch()).isEqualTo(3);
        JsonNode restarted = job(job);
        assertThat(restarted.get("attempt").asInt()).isEqualTo(2);
        assertThat(restarted.get("restart_count").asInt()).isEqualTo(1);
        assertThat(restarted.get("restart_reason").asString())
                .startsWith("Spark application pausable-" + job + "-a1 ended (LOST) without recording an outcome");
        assertThat(restarted.get("latest_checkpoint").get("epoch").asInt()).isEqualTo(3);
        assertThat(restarted.get("latest_checkpoint").get("kind").asString()).isEqualTo("best");
        assertThat(restarted.has("latest_checkpoint_uri")).as("shown once, as latest_checkpoint").isFalse();
        assertThat(sql.sql("SELECT reason FROM job_events WHERE job_id = :id AND actor = 'launcher'"
                        + " AND to_value = 'pending'")
                .param("id", job).query(String.class).list())
                .singleElement().asString().startsWith("restart 1 of 3 from epoch 3 after: Spark application");

        driverGone(job, 1);
        assertThat(job(job).get("attempt").asInt()).as("a stale report changes nothing").isEqualTo(2);
    }

    @Test
    void pastTheBudgetTheJobFailsWithEveryAttemptsReasonAndCanBeResumed() {
        UUID job = createTrainingJob(registerDataset(), 10, ", \"max_restarts\": 1");
        running(job);
        commitCheckpoint(job, "periodic", 4, 1);
        driverGone(job, 1);
        Await.until("restarted", DEADLINE, () -> "queued".equals(status(job)) && job(job).get("attempt").asInt() == 2);
        running(job);
        sql.sql("UPDATE training_jobs SET error_message = 'IOException: s3a unreachable' WHERE id = :id")
                .param("id", job).update();

        driverGone(job, 2);

        JsonNode failed = job(job);
        assertThat(failed.get("status").asString()).isEqualTo("failed");
        assertThat(failed.get("error_message").asString())
                .startsWith("Spark application pausable-" + job + "-a2 ended (LOST) without recording an outcome;"
                        + " see driver.log: IOException: s3a unreachable; gave up after 1 restart (max_restarts 1);"
                        + " earlier attempts: a1: restart 1 of 1 from epoch 4 after: Spark application pausable-" + job
                        + "-a1 ended (LOST)");
        assertThat(failed.get("actions").toString()).contains("resume");

        Http.Response resumed = http.post(JOBS + job + "/resume", null);
        assertThat(resumed.status()).isEqualTo(202);
        assertThat(resumed.body().get("message").asString()).isEqualTo("Training resumed from epoch 4");
        Await.until("resumed from the checkpoint", DEADLINE, () -> submissions(job).size() == 3);
        assertThat(submissions(job).get(2).request().reason()).isEqualTo(LaunchRequest.Reason.RESUME);
        assertThat(submissions(job).get(2).request().checkpoint().epoch()).isEqualTo(4);
        assertThat(job(job).get("completed_at").isNull()).isTrue();
    }

    @Test
    void aRefusedLaunchIsRetriedWithinTheBudgetThenFails() {
        launcher.failWith("spark-submit exited with code 1");
        Http.Response created = http.post("/v1/training/jobs", """
                {"job_name": "refused", "config": {"dataset_id": "%s", "epochs": 5, "batch_size": 16,
                 "learning_rate": 0.001, "max_restarts": 2}}""".formatted(registerDataset()));
        UUID job = UUID.fromString(created.body().get("id").asString());

        Await.until("failed after the restarts", DEADLINE, () -> "failed".equals(status(job)));
        assertThat(submissions(job)).extracting(s -> s.request().attempt()).containsExactly(1, 2, 3);
        assertThat(job(job).get("error_message").asString()).isEqualTo("Launch failed: spark-submit exited with code 1;"
                + " gave up after 2 restarts (max_restarts 2); earlier attempts:"
                + " a1: restart 1 of 2 from the start after: Launch failed: spark-submit exited with code 1;"
                + " a2: restart 2 of 2 from the start after: Launch failed: spark-submit exited with code 1");
        assertThat(job(job).get("actions").toString()).as("no checkpoint: nothing to resume from")
                .doesNotContain("resume");
        Http.Response resume = http.post(JOBS + job + "/resume", null);
        assertThat(resume.status()).isEqualTo(400);
        assertThat(resume.detail()).isEqualTo("Cannot resume job in status 'failed'");
    }

    @Test
    void aLostCancellingDriverEndsCancelled() {
        UUID job = createTrainingJob(registerDataset(), 10);
        running(job);
        http.post(JOBS + job + "/cancel", null);

        driverGone(job, 1);

        assertThat(status(job)).isEqualTo("cancelled");
        assertThat(submissions(job)).hasSize(1);
    }

    @Test
    void aResumeChecksTheObjectAndOneThatCannotBeLaunchedStaysPaused() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);
        running(job);
        commitPause(job, 3);
        String uri = job(job).get("pause_checkpoint_path").asString();
        java.nio.file.Files.write(Path.of(URI.create(uri)), new byte[100]);

        Http.Response truncated = http.post(JOBS + job + "/resume", null);
        assertThat(truncated.status()).isEqualTo(400);
        assertThat(truncated.detail()).isEqualTo("Checkpoint " + uri
                + " has 100 bytes in the object store, but 4096 were committed");
        java.nio.file.Files.delete(Path.of(URI.create(uri)));
        assertThat(http.post(JOBS + job + "/resume", null).detail())
                .isEqualTo("Checkpoint " + uri + " is missing from the object store");
        assertThat(status(job)).isEqualTo("paused");

        java.nio.file.Files.write(Path.of(URI.create(uri)), new byte[4096]);
        launcher.failWith("Spark master at http://m:6066 is unreachable");
        assertThat(http.post(JOBS + job + "/resume", null).status()).isEqualTo(202);

        Await.until("back to paused", DEADLINE, () -> "paused".equals(status(job)));
        JsonNode paused = job(job);
        assertThat(paused.get("error_message").asString())
                .isEqualTo("Launch failed: Spark master at http://m:6066 is unreachable");
        assertThat(paused.get("pause_checkpoint_path").asString()).isEqualTo(uri);
        assertThat(paused.get("attempt").asInt()).isEqualTo(2);
        launcher.reset();
        assertThat(http.post(JOBS + job + "/resume", null).status()).as("and resumes once Spark is back")
                .isEqualTo(202);
    }

    @Test
    void metricsListEachEpochOnceByTheLatestAttemptUnlessAllAreAsked() {
        UUID job = createTrainingJob(registerDataset(), 10);
        for (int[] row : new int[][] {{1, 1}, {1, 2}, {1, 3}, {2, 3}, {2, 4}}) {
            sql.sql("""
                            INSERT INTO training_metrics (job_id, attempt, epoch, val_loss, duration_ms)
                            VALUES (:id, :attempt, :epoch, :loss, 10)""")
                    .param("id", job).param("attempt", row[0]).param("epoch", row[1]).param("loss", row[0] * 10.0 + row[1])
                    .update();
        }
        JsonNode latest = http.get(JOBS + job + "/metrics").body().get("metrics");
        assertThat(latest).extracting(m -> m.get("epoch").asInt() + "@a" + m.get("attempt").asInt())
                .containsExactly("1@a1", "2@a1", "3@a2", "4@a2");
        JsonNode all = http.get(JOBS + job + "/metrics?attempts=all").body().get("metrics");
        assertThat(all).extracting(m -> m.get("epoch").asInt() + "@a" + m.get("attempt").asInt())
                .containsExactly("1@a1", "2@a1", "3@a1", "3@a2", "4@a2");
        assertThat(http.get(JOBS + job + "/metrics?attempts=some").status()).isEqualTo(400);
    }

    @Test
    void deletingAJobDeletesItsCheckpointObjects() {
        UUID job = createTrainingJob(registerDataset(), 10);
        String periodic = commitCheckpoint(job, "periodic", 1, 1);
        String finalModel = commitCheckpoint(job, "final", 2, 1);
        forceStatus(job, "completed");

        assertThat(admin().delete(JOBS + job).status()).isEqualTo(204);

        Await.until("objects deleted", DEADLINE, () -> !java.nio.file.Files.exists(Path.of(URI.create(periodic)))
                && !java.nio.file.Files.exists(Path.of(URI.create(finalModel))));
    }
}
