package dev.pausable.controlplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.launch.Liveness;
import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.RecordingLauncher;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Each handler of the reconciler against real PostgreSQL; what Spark says about a submission comes
 * from the recording launcher (our own interface). Ages are made by backdating rows, not by waiting.
 */
class ReconcilerIT extends ApiITBase {

    @Autowired
    private Reconciler reconciler;
    @Autowired
    private TransactionTemplate tx;

    private static final String NO_RESTARTS = ", \"max_restarts\": 0";

    @Test
    void aRunningJobWhoseHeartbeatIsStaleAndWhoseApplicationIsGoneFailsOnceWithTheReason() {
        UUID job = runningJob();
        backdate(job, "10 minutes");
        launcher.answer(tag(job), Liveness.GONE);

        reconciler.reconcile();
        reconciler.reconcile();

        assertThat(status(job)).isEqualTo("failed");
        assertThat(error(job)).startsWith("Driver of " + tag(job) + " stopped reporting (last heartbeat ")
                .endsWith(") and its Spark application is gone");
        assertThat(reconcilerEvents(job)).containsExactly("failed");
    }

    @Test
    void aFreshHeartbeatOrALiveOrUnreachableApplicationKeepsTheJobRunning() {
        UUID fresh = runningJob();
        launcher.answer(tag(fresh), Liveness.GONE);
        UUID alive = runningJob();
        backdate(alive, "10 minutes");
        UUID unknown = runningJob();
        backdate(unknown, "10 minutes");
        launcher.answer(tag(unknown), Liveness.UNKNOWN);

        reconciler.reconcile();
        reconciler.reconcile();

        assertThat(List.of(status(fresh), status(alive), status(unknown))).containsOnly("running");
        assertThat(launcher.probes()).extracting(p -> p.tag()).as("a fresh heartbeat: asked once, on the first look")
                .containsOnlyOnce(tag(fresh));
        assertThat(launcher.probes()).extracting(p -> p.tag()).as("stale: asked on every pass")
                .containsSubsequence(tag(alive), tag(alive)).containsSubsequence(tag(unknown), tag(unknown));
    }

    /** Issue 10: the operator wanted it paused, and a verified checkpoint exists: PAUSED there, not FAILED. */
    @Test
    void aPausingJobWhoseDriverDiedIsPausedAtTheLatestVerifiedCheckpoint() {
        UUID job = runningJob();
        forceStatus(job, "pausing");
        String uri = commitCheckpoint(job, "periodic", 3, 1);
        backdate(job, "10 minutes");
        launcher.answer(tag(job), Liveness.GONE);

        reconciler.reconcile();

        assertThat(status(job)).isEqualTo("paused");
        JsonNode paused = http.get("/v1/training/jobs/" + job).body();
        assertThat(paused.get("pause_checkpoint_path").asString()).isEqualTo(uri);
        assertThat(paused.get("pause_checkpoint_epoch").asInt()).isEqualTo(3);
        assertThat(sql.sql("SELECT reason FROM job_events WHERE job_id = :id AND to_value = 'paused'")
                .param("id", job).query(String.class).single())
                .contains("died while pausing, before committing its pause checkpoint")
                .endsWith("; paused at the latest verified checkpoint (epoch 3)");
        assertThat(http.post("/v1/training/jobs/" + job + "/resume", null).body().get("message").asString())
                .isEqualTo("Training resumed from epoch 3");
    }

    @Test
    void aQueuedJobWhoseApplicationIsGoneFailsAfterTheLaunchGraceOnly() {
        UUID recent = createTrainingJob(registerDataset(), 5, NO_RESTARTS);
        launcher.answer(tag(recent), Liveness.GONE);
        UUID old = createTrainingJob(registerDataset(), 5, NO_RESTARTS);
        backdate(old, "10 minutes");
        launcher.answer(tag(old), Liveness.GONE);

        reconciler.reconcile();

        assertThat(status(recent)).isEqualTo("queued");
        assertThat(status(old)).isEqualTo("failed");
        assertThat(error(old)).isEqualTo("Spark application " + tag(old)
                + " is gone and never started the trainer; see the submission's log");
    }

    @Test
    void aPendingJobLeftByAStoppedControlPlaneIsReAdoptedWhenSparkRunsItAndSubmittedWhenNot() {
        UUID adopted = createTrainingJob(registerDataset(), 5);
        UUID lost = createTrainingJob(registerDataset(), 5);
        for (UUID job : List.of(adopted, lost)) {
            forceStatus(job, "pending");
            backdate(job, "10 minutes");
        }
        launcher.answer(tag(lost), Liveness.GONE);

        reconciler.reconcile();

        assertThat(status(adopted)).isEqualTo("queued");
        assertThat(reconcilerEvents(adopted)).containsExactly("queued");
        // Issue 10: a submission the control plane never made is made now (same attempt), never FAILED.
        Await.until("the lost submission made", Duration.ofSeconds(10), () -> "queued".equals(status(lost)));
        assertThat(launcher.submissions()).filteredOn(s -> s.request().jobId().equals(lost))
                .extracting(s -> s.request().attempt()).containsExactly(1, 1);
    }

    @Test
    void anAttemptAPreemptedDriverHandedOverIsSubmittedAtOnceFromItsCheckpointWithoutCountingARestart() {
        UUID job = createTrainingJob(registerDataset(), 5);
        Await.until("first submission", Duration.ofSeconds(10), () -> launcher.submissions().size() == 1);
        String checkpoint = checkpointObject(job, "periodic-epoch-0002-round-00007-attempt-1.zip", 4096);
        // What the trainer's HAND_OVER commits, just now (well within the launch grace).
        sql.sql("""
                        INSERT INTO checkpoints (job_id, epoch, round, attempt, uri, sha256, size_bytes, kind)
                        VALUES (:id, 2, 7, 1, :uri, :sha, 4096, 'periodic')""")
                .param("id", job).param("uri", checkpoint).param("sha", "b".repeat(64)).update();
        sql.sql("""
                        UPDATE training_jobs SET status = 'pending', attempt = 2, restart_reason = 'preempted',
                               submission_id = :tag, current_epoch = 2
                        WHERE id = :id""")
                .param("tag", "pausable-" + job + "-a2").param("id", job).update();
        launcher.answer("pausable-" + job + "-a2", Liveness.GONE);

        reconciler.reconcile();

        Await.until("the handed-over attempt submitted", Duration.ofSeconds(10), () -> "queued".equals(status(job)));
        RecordingLauncher.Recorded submitted = launcher.submissions().get(1);
        assertThat(submitted.request().attempt()).isEqualTo(2);
        assertThat(submitted.request().checkpoint().uri()).isEqualTo(checkpoint);
        assertThat(submitted.request().checkpoint().round()).isEqualTo(7);
        assertThat(sql.sql("SELECT restart_count FROM training_jobs WHERE id = :id").param("id", job)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void aDriverThatBeatsButRecordsNoEpochPastTheWatchdogIsKilledAndRestarted() {
        UUID job = createTrainingJob(registerDataset(), 5);
        sql.sql("UPDATE training_jobs SET status = 'running', heartbeat_at = now(),"
                + " started_at = now() - interval '2 hours' WHERE id = :id").param("id", job).update();

        reconciler.reconcile();

        assertThat(launcher.kills()).contains(tag(job));
        Await.until("restarted", Duration.ofSeconds(10), () -> "queued".equals(status(job)));
        JsonNode restarted = http.get("/v1/training/jobs/" + job).body();
        assertThat(restarted.get("attempt").asInt()).isEqualTo(2);
        assertThat(restarted.get("restart_reason").asString()).startsWith("Driver of " + tag(job)
                + " made no progress since ").endsWith("(watchdog limit PT30M); killed");
    }

    @Test
    void aCancelTheDriverDoesNotAcknowledgeWithinTheGraceKillsItAndEndsCancelled() {
        UUID job = runningJob();
        http.post("/v1/training/jobs/" + job + "/cancel", null);
        sql.sql("UPDATE job_events SET created_at = now() - interval '20 minutes'"
                + " WHERE job_id = :id AND event_type = 'intent'").param("id", job).update();

        reconciler.reconcile();

        assertThat(launcher.kills()).contains(tag(job));
        assertThat(status(job)).isEqualTo("cancelled");
        assertThat(reconcilerEvents(job)).containsExactly("cancelled");
    }

    @Test
    void pausedAndFinishedJobsAreNeverAskedAbout() {
        UUID paused = runningJob();
        commitPause(paused, 2);
        UUID done = runningJob();
        forceStatus(done, "completed");
        backdate(paused, "10 minutes");
        backdate(done, "10 minutes");

        reconciler.reconcile();

        assertThat(launcher.probes()).isEmpty();
        assertThat(List.of(status(paused), status(done))).containsExactly("paused", "completed");
    }

    /** Restarts off: what the reconciler decides alone (restarts: RecoveryIT). */
    private UUID runningJob() {
        UUID job = createTrainingJob(registerDataset(), 5, NO_RESTARTS);
        sql.sql("UPDATE training_jobs SET status = 'running', heartbeat_at = now() WHERE id = :id")
                .param("id", job).update();
        return job;
    }

    /** Ages the heartbeat and the last update; the touch trigger is off for this one transaction. */
    private void backdate(UUID job, String age) {
        tx.executeWithoutResult(status -> {
            sql.sql("SET LOCAL session_replication_role = replica").update();
            sql.sql("UPDATE training_jobs SET heartbeat_at = now() - CAST(:age AS interval), "
                            + "updated_at = now() - CAST(:age AS interval) WHERE id = :id")
                    .param("age", age).param("id", job).update();
        });
    }

    private static String tag(UUID job) {
        return "pausable-" + job + "-a1";
    }

    private String error(UUID job) {
        return sql.sql("SELECT error_message FROM training_jobs WHERE id = :id").param("id", job)
                .query(String.class).single();
    }

    private List<String> reconcilerEvents(UUID job) {
        return sql.sql("SELECT to_value FROM job_events WHERE job_id = :id AND actor = 'reconciler' ORDER BY id")
                .param("id", job).query(String.class).list();
    }
}
