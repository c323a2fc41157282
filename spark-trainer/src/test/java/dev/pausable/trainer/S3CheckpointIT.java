package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.trainer.train.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checkpoints through s3a against a real s3proxy: pause, verify, resume; and S3 unreachable. */
class S3CheckpointIT {

    private static UUID dataset;
    private final TrainerFixture fx = TrainerFixture.get();

    @BeforeAll
    static void dataset() {
        dataset = TrainerFixture.get().generateDataset(1200, 4, 300, 2.0);
    }

    @AfterEach
    void restoreCheckpointRoot() {
        fx.spark.conf().set(TrainerSettings.CHECKPOINT_ROOT, fx.work.resolve("checkpoints").toUri().toString());
    }

    private UUID newJob() {
        return fx.insertJob("training", """
                {"dataset_id": "%s", "epochs": 3, "batch_size": 32, "learning_rate": 0.01, "seed": 77, "workers": 2,
                 "validation_split": 0.2, "hidden_layers": [8], "optimizer": "adam", "lr_schedule": {"type": "none"},
                 "early_stop_patience": 0, "averaging_frequency": 2, "checkpoint_every_epochs": 0}"""
                .formatted(dataset), dataset, 3);
    }

    private Outcome run(UUID job, int attempt, String checkpoint) throws Exception {
        return new Trainer(fx.spark, fx.store(job, attempt)).run(new TrainerCommand(job, attempt, checkpoint));
    }

    @Test
    void pausesToS3AndResumesFromTheVerifiedObject() throws Exception {
        fx.spark.conf().set(TrainerSettings.CHECKPOINT_ROOT, "s3a://" + TrainerFixture.BUCKET + "/checkpoints");
        UUID job = newJob();
        fx.pauseWhenEpochRecorded(job, 1);
        Outcome paused = run(job, 1, null);
        fx.clearPauseTriggers(job);

        String uri = fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job);
        assertThat(paused).isEqualTo(new Outcome.Paused(1, uri));
        assertThat(uri).isEqualTo("s3a://training/checkpoints/" + job + "/epoch-0001-attempt-1.zip");
        Path object = fx.work.resolve("s3/blobs/training/checkpoints/" + job + "/epoch-0001-attempt-1.zip");
        assertThat(object).as("stored by s3proxy").exists();
        byte[] bytes = Files.readAllBytes(object);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo(fx.queryString("SELECT pause_checkpoint_sha256 FROM training_jobs WHERE id = ?", job));
        assertThat(fx.queryString("SELECT pause_checkpoint_size FROM training_jobs WHERE id = ?", job))
                .isEqualTo(String.valueOf(bytes.length));

        int attempt = fx.resume(job);
        assertThat(run(job, attempt, uri)).isInstanceOf(Outcome.Completed.class);
        assertThat(object).as("released after the first resumed epoch").doesNotExist();
        assertThat(fx.queryString("SELECT uri FROM checkpoints WHERE job_id = ? AND kind = 'final'", job))
                .startsWith("s3a://training/checkpoints/" + job + "/model-final");
    }

    /**
     * Issue 10: a pause whose checkpoint cannot be written keeps training and is tried again at each
     * following boundary, with the reason on the job; the final model is retried until its deadline,
     * then the attempt ends without an outcome (a transient failure for the control plane's restart
     * policy). Never PAUSED or COMPLETED without a verified object, never FAILED by the trainer.
     */
    @Test
    void anUnreachableStoreNeverPausesTrainingGoesOnAndTheAttemptEndsWithoutAnOutcome() throws Exception {
        fx.spark.conf().set(TrainerSettings.CHECKPOINT_ROOT, "s3a://" + TrainerFixture.DEAD_BUCKET + "/checkpoints");
        fx.spark.conf().set(TrainerSettings.FINAL_WRITE_SECONDS, "2");
        try {
            UUID job = newJob();
            fx.pauseWhenEpochRecorded(job, 1);

            long started = System.nanoTime();
            assertThatThrownBy(() -> run(job, 1, null)).isInstanceOf(IOException.class).satisfies(e -> {
                assertThat(TrainerMain.isTransient(e)).isTrue();
                TrainerMain.recordFailure(fx.store(job, 1), (Exception) e, true);
            });
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            fx.clearPauseTriggers(job);

            assertThat(fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job)).isEqualTo("pausing");
            assertThat(fx.queryString("SELECT error_message FROM training_jobs WHERE id = ?", job)).isNotBlank();
            assertThat(fx.queryStrings("SELECT reason FROM job_events WHERE job_id = ? AND event_type = 'problem'"
                    + " ORDER BY id", job)).as("every failed pause checkpoint in the audit trail")
                    .filteredOn(reason -> reason.startsWith("The pause checkpoint after epoch ")).hasSizeGreaterThan(1);
            assertThat(fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job)).isNull();
            assertThat(fx.queryStrings("SELECT epoch FROM training_metrics WHERE job_id = ? ORDER BY epoch", job))
                    .as("training went on after the failed pause").containsExactly("1", "2", "3");
            assertThat(fx.queryStrings("SELECT to_value FROM job_events WHERE job_id = ? AND event_type = 'status'",
                    job)).doesNotContain("paused", "completed", "failed");
            assertThat(took).as("bounded s3a retries").isLessThan(Duration.ofSeconds(60));
        } finally {
            fx.spark.conf().unset(TrainerSettings.FINAL_WRITE_SECONDS);
        }
    }
}
