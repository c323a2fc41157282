package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.contract.TrainerSettings;
import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.checkpoint.CheckpointMismatchException;
import dev.pausable.trainer.train.Outcome;
import dev.pausable.trainer.train.Preemption;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer on Spark local[2] against real PostgreSQL: train to completion, pause at an epoch
 * boundary, resume from the verified checkpoint, and finish bit-identical to an uninterrupted run.
 */
class TrainingIT extends TrainingRuns {

    private static UUID dataset;

    @BeforeAll
    static void generateDataset() {
        dataset = TrainerFixture.get().generateDataset(2400, 6, 400, 2.0);
    }

    private static String config(int workers) {
        return config(workers, dataset);
    }

    private static String config(int workers, UUID dataset) {
        return """
                {"dataset_id": "%s", "epochs": %d, "batch_size": 32, "learning_rate": 0.01, "seed": 1234,
                 "workers": %d, "validation_split": 0.2, "hidden_layers": [16, 16], "optimizer": "adam",
                 "lr_schedule": {"type": "step", "gamma": 0.5, "step_epochs": 2}, "early_stop_patience": 50,
                 "averaging_frequency": 3, "checkpoint_every_epochs": 1, "keep_checkpoints": 10}"""
                .formatted(dataset, EPOCHS, workers);
    }

    @Override
    protected UUID newJob(int workers) {
        return fx.insertJob("training", config(workers), dataset, EPOCHS);
    }

    @Test
    void trainsToCompletionAndStoresALoadableFinalModel() throws Exception {
        UUID job = newJob(2);
        Outcome outcome = run(job, 1, null);

        assertThat(outcome).isInstanceOf(Outcome.Completed.class);
        assertThat(status(job)).isEqualTo("completed");
        assertThat(fx.queryString("SELECT progress_percent FROM training_jobs WHERE id = ?", job)).isEqualTo("100");
        assertThat(valLosses(job)).hasSize(EPOCHS);
        // Every round but an epoch's last is sampled (round reports at every round here), with its loss.
        assertThat(fx.queryStrings("SELECT epoch || ':' || (count(*) = max(rounds) - 1 AND count(train_loss) = count(*))"
                + " FROM round_losses WHERE job_id = ? GROUP BY epoch ORDER BY epoch", job))
                .containsExactly("1:true", "2:true", "3:true", "4:true", "5:true");
        List<String> rates = fx.queryStrings(
                "SELECT learning_rate FROM training_metrics WHERE job_id = ? ORDER BY epoch", job);
        assertThat(rates).as("step schedule by epoch").containsExactly("0.01", "0.01", "0.005", "0.005", "0.0025");
        double first = Double.parseDouble(fx.queryString(
                "SELECT val_loss FROM training_metrics WHERE job_id = ? AND epoch = 1", job));
        double best = Double.parseDouble(fx.queryString("SELECT best_val_loss FROM training_jobs WHERE id = ?", job));
        assertThat(best).as("it learns").isLessThan(first);

        CheckpointCodec.Restored model = load(((Outcome.Completed) outcome).modelUri());
        assertThat(model.state().lastCompletedEpoch()).isEqualTo(EPOCHS);
        assertThat(model.network().epochCount()).isEqualTo(EPOCHS);
        assertThat(model.normalizer().getMean().length()).isEqualTo(6);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void aPausedAndResumedRunIsBitIdenticalToAnUninterruptedOne(int workers) throws Exception {
        pauseAtAnEpochResumeAndCompareWithATwin(workers);
    }

    /**
     * A restart after a crash resumes from the latest live checkpoint, here an older one than the last
     * epoch trained (the driver died during epoch 3 before anything newer was committed): the epochs after
     * it are trained again by the next attempt and the run ends exactly where an uninterrupted one ends.
     */
    @Test
    void aRestartFromAnOlderCheckpointRetrainsTheLostEpochsAndEndsBitIdentical() throws Exception {
        UUID straight = newJob(2);
        run(straight, 1, null);

        UUID job = newJob(2);
        pauseAndResume(job, 1, 3);
        // What a crash during epoch 3 leaves: no checkpoint of epoch 3, the job still waiting on a driver.
        fx.update("UPDATE checkpoints SET deleted_at = now() WHERE job_id = ? AND epoch = 3", job);
        fx.update("UPDATE training_jobs SET status = 'pending', desired_state = 'running', attempt = attempt + 1,"
                + " pause_checkpoint_path = NULL, pause_checkpoint_sha256 = NULL, pause_checkpoint_size = NULL,"
                + " pause_checkpoint_epoch = NULL WHERE id = ?", job);
        assertThat(fx.queryString("SELECT latest_checkpoint_epoch FROM training_jobs WHERE id = ?", job))
                .as("the latest live checkpoint, kept by the database").isEqualTo("2");
        String latest = fx.queryString("SELECT latest_checkpoint_uri FROM training_jobs WHERE id = ?", job);

        assertThat(run(job, 2, latest)).isInstanceOf(Outcome.Completed.class);

        assertThat(latestValLosses(job)).isEqualTo(valLosses(straight));
        assertThat(fx.queryStrings("SELECT attempt FROM training_metrics WHERE job_id = ? AND epoch = 3 ORDER BY attempt",
                job)).containsExactly("1", "2");
        assertSameModel(checkpoint(job, "final", EPOCHS), checkpoint(straight, "final", EPOCHS));
        assertThat(fx.queryString("SELECT latest_checkpoint_kind FROM training_jobs WHERE id = ?", job))
                .isEqualTo("final");
    }

    @Test
    void aCheckpointThatIsNotALiveCommittedOneIsRefused() throws Exception {
        UUID job = newJob(1);
        assertThatThrownBy(() -> run(job, 1, "file:///nowhere/epoch-0001-attempt-1.zip"))
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("is not a committed, live checkpoint");
        assertThat(status(job)).isEqualTo("queued");
    }

    @Test
    void threePauseResumeCyclesEndWhereAnUninterruptedRunEnds() throws Exception {
        UUID straight = newJob(2);
        run(straight, 1, null);

        UUID cycled = newJob(2);
        int attempt = 1;
        for (int pauseAt : new int[] {1, 2, 4}) {
            pauseAndResume(cycled, attempt, pauseAt);
            attempt = fx.resume(cycled);
        }
        Outcome last = run(cycled, attempt, fx.queryString(
                "SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", cycled));

        assertThat(last).isInstanceOf(Outcome.Completed.class);
        assertThat(attempt).isEqualTo(4);
        assertThat(valLosses(cycled)).isEqualTo(valLosses(straight));
        assertSameModel(checkpoint(cycled, "final", EPOCHS), checkpoint(straight, "final", EPOCHS));
        assertThat(fx.queryStrings("SELECT to_value FROM job_events WHERE job_id = ? AND event_type = 'status'"
                + " ORDER BY id", cycled)).containsExactly("running", "pausing", "paused", "queued", "running",
                "pausing", "paused", "queued", "running", "pausing", "paused", "queued", "running", "completed");
    }

    @Test
    void aCheckpointThatDoesNotMatchItsCommittedChecksumFailsTheJob() throws Exception {
        UUID job = newJob(2);
        pauseAndResume(job, 1, 1);
        String uri = fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job);
        byte[] bytes = Files.readAllBytes(Path.of(URI.create(uri)));
        bytes[bytes.length / 2] ^= 0x01;
        Path file = Path.of(URI.create(uri));
        Files.write(file, bytes);
        // Without the local file system's CRC sidecar, as on S3: only our SHA-256 can tell.
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
        int attempt = fx.resume(job);

        assertThatThrownBy(() -> run(job, attempt, uri))
                .isInstanceOf(CheckpointMismatchException.class)
                .hasMessageContaining("SHA-256");
        // What TrainerMain does with any failure: FAILED with the reason, never a fresh start.
        CheckpointMismatchException mismatch = new CheckpointMismatchException("Pause checkpoint " + uri
                + " has SHA-256 x, but y was committed");
        TrainerMain.recordFailure(fx.store(job, attempt), mismatch, TrainerMain.isTransient(mismatch));
        assertThat(status(job)).isEqualTo("failed");
        assertThat(fx.queryString("SELECT error_message FROM training_jobs WHERE id = ?", job)).contains("SHA-256");
        assertThat(fx.queryString("SELECT count(*) FROM training_metrics WHERE job_id = ? AND attempt = ?", job,
                attempt)).isEqualTo("0");
    }

    @Test
    void theSameRowsWrittenAsCsvTrainExactlyAsTheirParquet() throws Exception {
        String parquet = fx.queryString("SELECT uri FROM datasets WHERE id = ?", dataset);
        String csv = parquet + "-as-csv";
        fx.spark.read().parquet(parquet).write().option("header", true).csv(csv);
        UUID csvDataset = UUID.randomUUID();
        fx.update("""
                INSERT INTO datasets (id, name, uri, format, feature_columns, label_columns, task)
                SELECT ?, 'as csv', ?, 'csv', feature_columns, label_columns, task FROM datasets WHERE id = ?""",
                csvDataset, csv, dataset);
        assertTrainIdentically(newJob(2), fx.insertJob("training", config(2, csvDataset), csvDataset, EPOCHS));
    }

    @Test
    void aCsvValueThatIsNotANumberFailsTheJobNamingItsRowAndColumn() throws Exception {
        Path directory = Files.createDirectories(Path.of("target", "csv-" + UUID.randomUUID()));
        StringBuilder rows = new StringBuilder("id,a,b,x\n");
        for (int id = 1; id <= 40; id++) {
            rows.append(id).append(',').append(id * 0.5).append(',').append(id == 17 ? "n/a" : id * 1.5)
                    .append(',').append(id * 2).append('\n');
        }
        Files.writeString(directory.resolve("part-0.csv"), rows);
        UUID csvDataset = UUID.randomUUID();
        fx.update("""
                INSERT INTO datasets (id, name, uri, format, feature_columns, label_columns)
                VALUES (?, 'bad csv', ?, 'csv', '["a", "b"]', '["x"]')""",
                csvDataset, directory.toAbsolutePath().toUri().toString());
        UUID job = fx.insertJob("training", config(1, csvDataset), csvDataset, EPOCHS);

        assertThatThrownBy(() -> run(job, 1, null)).hasMessageContaining("Row 17 has no number in column 'b'");
    }

    @Test
    void aStaleAttemptWritesNothing() throws Exception {
        UUID job = newJob(1);
        fx.update("UPDATE training_jobs SET attempt = 2 WHERE id = ?", job);
        assertThatThrownBy(() -> run(job, 1, null))
                .isInstanceOf(dev.pausable.trainer.db.StaleAttemptException.class);
        assertThat(status(job)).isEqualTo("queued");
    }

    @Test
    void aCancelAtAnEpochBoundaryIsRecorded() throws Exception {
        UUID job = newJob(1);
        fx.cancelWhenEpochRecorded(job, 2);
        assertThat(run(job, 1, null)).isEqualTo(new Outcome.Cancelled(2));
        fx.clearPauseTriggers(job);
        assertThat(status(job)).isEqualTo("cancelled");
        assertThat(fx.queryString("SELECT max(epoch) FROM training_metrics WHERE job_id = ?", job)).isEqualTo("2");
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2, 3})
    void aRunPausedWithinAnEpochAndResumedAtTheNextRoundIsBitIdenticalToAnUninterruptedOne(int workers)
            throws Exception {
        pauseWithinAnEpochResumeAndCompareWithATwin(workers);
    }

    /** Chunks of about 21 rows: a round's minibatches span several chunks, and the rows of a worker ~45 of them. */
    @Test
    void inManySmallChunksARunPausedWithinAnEpochIsBitIdenticalToAnUninterruptedOne() throws Exception {
        fx.spark.conf().set(TrainerSettings.CHUNK_BYTES, "1536");
        try {
            pauseWithinAnEpochResumeAndCompareWithATwin(2);
        } finally {
            fx.spark.conf().unset(TrainerSettings.CHUNK_BYTES);
        }
    }

    @Test
    void threePausesWithinEpochsOneOfThemTwiceInTheSameEpochEndWhereAnUninterruptedRunEnds() throws Exception {
        UUID straight = newJob(2);
        run(straight, 1, null);

        UUID cycled = newJob(2);
        int attempt = 1;
        int[][] pauses = {{1, 2}, {1, 5}, {3, 1}};
        String uri = null;
        for (int[] pause : pauses) {
            uri = pauseAtRound(cycled, attempt, pause[0], pause[1]);
            attempt = fx.resume(cycled);
        }
        assertThat(run(cycled, attempt, uri)).isInstanceOf(Outcome.Completed.class);

        assertThat(attempt).isEqualTo(4);
        assertThat(valLosses(cycled)).isEqualTo(valLosses(straight));
        assertSameModel(checkpoint(cycled, "final", EPOCHS), checkpoint(straight, "final", EPOCHS));
    }

    /**
     * A driver told to stop (the flag SIGTERM sets in TrainerMain) finishes its round, commits a checkpoint
     * and hands the job to the next attempt; that attempt resumes at the next round and the run ends
     * bit-identical to an uninterrupted one. The restart budget is untouched.
     */
    @Test
    void aPreemptedDriverHandsTheJobToTheNextAttemptAtARoundAndTheRunEndsBitIdentical() throws Exception {
        UUID straight = newJob(2);
        run(straight, 1, null);

        UUID preempted = newJob(2);
        // Told to stop once the job has recorded 3 rounds of epoch 3.
        Preemption sigterm = () -> fx.queryInt("SELECT CASE WHEN current_epoch = 2 AND current_round >= 3 THEN 1"
                + " ELSE 0 END FROM training_jobs WHERE id = ?", preempted) == 1;
        Outcome outcome = new Trainer(fx.spark, fx.store(preempted, 1), sigterm)
                .run(new TrainerCommand(preempted, 1, null));

        assertThat(outcome).isInstanceOf(Outcome.Preempted.class);
        Outcome.Preempted handedOver = (Outcome.Preempted) outcome;
        assertThat(handedOver.epoch()).isEqualTo(2);
        assertThat(handedOver.round()).isEqualTo(4);
        assertThat(fx.queryStrings("SELECT status || ' ' || attempt || ' ' || restart_count || ' ' || restart_reason"
                + " || ' ' || submission_id || ' ' || latest_checkpoint_uri || ' ' || latest_checkpoint_round"
                + " FROM training_jobs WHERE id = ?", preempted)).containsExactly("pending 2 0 preempted pausable-"
                + preempted + "-a2 " + handedOver.checkpointUri() + " 4");
        assertThat(fx.queryStrings("SELECT kind || ' ' || epoch || ' ' || round || ' ' || attempt FROM checkpoints"
                + " WHERE uri = ?", handedOver.checkpointUri())).containsExactly("periodic 2 4 1");
        assertThat(fx.queryStrings("SELECT reason FROM job_events WHERE job_id = ? AND to_value = 'pending'",
                preempted)).containsExactly("preempted at epoch 2, round 4; attempt 2 resumes from its checkpoint");

        assertThat(run(preempted, 2, handedOver.checkpointUri())).isInstanceOf(Outcome.Completed.class);
        assertThat(valLosses(preempted)).isEqualTo(valLosses(straight));
        assertSameModel(checkpoint(preempted, "final", EPOCHS), checkpoint(straight, "final", EPOCHS));
    }

    @Test
    void aCancelTakesEffectAtTheNextRoundBoundary() throws Exception {
        UUID job = newJob(1);
        fx.cancelWhenRoundRecorded(job, 1, 3);
        assertThat(run(job, 1, null)).isEqualTo(new Outcome.Cancelled(1));
        fx.clearPauseTriggers(job);
        assertThat(status(job)).isEqualTo("cancelled");
        assertThat(fx.queryString("SELECT max(epoch) FROM training_metrics WHERE job_id = ?", job)).isEqualTo("1");
        assertThat(fx.queryStrings("SELECT reason FROM job_events WHERE job_id = ? AND event_type = 'status'"
                + " AND to_value = 'cancelled'", job))
                .containsExactly("cancelled at epoch 1, round 3");
    }

}
