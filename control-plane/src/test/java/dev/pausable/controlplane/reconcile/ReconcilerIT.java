package dev.pausable.controlplane.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.launch.Liveness;
import dev.pausable.controlplane.support.ApiITBase;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each handler of the reconciler against real PostgreSQL; what Spark says about a submission comes
 * from the recording launcher (our own interface). Ages are made by backdating rows, not by waiting.
 */
class ReconcilerIT extends ApiITBase {

    @Autowired
    private Reconciler reconciler;
    @Autowired
    private TransactionTemplate tx;

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

    @Test
    void aPausingJobWhoseDriverDiedFailsAndNamesTheCheckpointThatStaysAvailable() {
        UUID job = runningJob();
        forceStatus(job, "pausing");
        sql.sql("""
                INSERT INTO checkpoints (job_id, epoch, attempt, uri, sha256, size_bytes, kind)
                VALUES (:id, 3, 1, :uri, :sha, 100, 'periodic')""")
                .param("id", job).param("uri", "s3a://c/" + job + "/epoch-0003-attempt-1.zip")
                .param("sha", "b".repeat(64)).update();
        backdate(job, "10 minutes");
        launcher.answer(tag(job), Liveness.GONE);

        reconciler.reconcile();

        assertThat(status(job)).isEqualTo("failed");
        assertThat(error(job)).contains("died while pausing, before committing its pause checkpoint")
                .endsWith("; the last stored checkpoint stays available: s3a://c/" + job
                        + "/epoch-0003-attempt-1.zip (epoch 3)");
    }

    @Test
    void aQueuedJobWhoseApplicationIsGoneFailsAfterTheLaunchGraceOnly() {
        UUID recent = createTrainingJob(registerDataset(), 5);
        launcher.answer(tag(recent), Liveness.GONE);
        UUID old = createTrainingJob(registerDataset(), 5);
        backdate(old, "10 minutes");
        launcher.answer(tag(old), Liveness.GONE);

        reconciler.reconcile();

        assertThat(status(recent)).isEqualTo("queued");
        assertThat(status(old)).isEqualTo("failed");
        assertThat(error(old)).isEqualTo("Spark application " + tag(old)
                + " is gone and never started the trainer; see the submission's log");
    }

    @Test
    void aPendingJobLeftByAStoppedControlPlaneIsReAdoptedWhenSparkRunsItAndFailedWhenNot() {
        UUID adopted = createTrainingJob(registerDataset(), 5);
        UUID lost = createTrainingJob(registerDataset(), 5);
        for (UUID job : List.of(adopted, lost)) {
            forceStatus(job, "pending");
            backdate(job, "10 minutes");
        }
        launcher.answer(tag(lost), Liveness.GONE);

        reconciler.reconcile();

        assertThat(status(adopted)).isEqualTo("queued");
        assertThat(status(lost)).isEqualTo("failed");
        assertThat(error(lost)).isEqualTo("Submission " + tag(lost)
                + " was never handed to Spark (the control plane stopped before submitting it)");
        assertThat(reconcilerEvents(adopted)).containsExactly("queued");
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

    private UUID runningJob() {
        UUID job = createTrainingJob(registerDataset(), 5);
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
