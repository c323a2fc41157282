package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.TrainerCommand;
import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.checkpoint.TrainingState;
import dev.pausable.trainer.train.Network;
import dev.pausable.trainer.train.Outcome;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Runs of training jobs on the shared fixture (real Spark local[N], PostgreSQL, files), and the scenarios
 * every kind of network must pass: paused at an epoch or within one and resumed, bit-identical to an
 * uninterrupted twin.
 */
abstract class TrainingRuns {

    protected static final int EPOCHS = 5;
    protected final TrainerFixture fx = TrainerFixture.get();

    /** A new job of this suite's network on {@code workers} workers, {@value #EPOCHS} epochs. */
    protected abstract UUID newJob(int workers);

    protected Outcome run(UUID job, int attempt, String checkpoint) throws IOException {
        return new Trainer(fx.spark, fx.store(job, attempt)).run(new TrainerCommand(job, attempt, checkpoint));
    }

    protected String status(UUID job) {
        return fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job);
    }

    protected List<String> valLosses(UUID job) {
        return fx.queryStrings("SELECT epoch || ':' || val_loss FROM training_metrics WHERE job_id = ? ORDER BY epoch",
                job);
    }

    /** Each epoch once, as recorded by the latest attempt that trained it. */
    protected List<String> latestValLosses(UUID job) {
        return fx.queryStrings("SELECT epoch || ':' || val_loss FROM (SELECT DISTINCT ON (epoch) epoch, val_loss"
                + " FROM training_metrics WHERE job_id = ? ORDER BY epoch, attempt DESC) latest ORDER BY epoch", job);
    }

    protected CheckpointCodec.Restored load(String uri) throws IOException {
        return CheckpointCodec.decode(Files.readAllBytes(Path.of(URI.create(uri))));
    }

    protected CheckpointCodec.Restored checkpoint(UUID job, String kind, int epoch) throws IOException {
        return load(fx.queryString("SELECT uri FROM checkpoints WHERE job_id = ? AND kind = ? AND epoch = ?"
                + " ORDER BY id DESC LIMIT 1", job, kind, epoch));
    }

    /** Pauses after {@code pauseEpoch}, resumes as the control plane would, returns the resumed outcome. */
    protected Outcome pauseAndResume(UUID job, int attempt, int pauseEpoch) throws IOException {
        fx.pauseWhenEpochRecorded(job, pauseEpoch);
        Outcome paused = run(job, attempt, fx.queryString(
                "SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job));
        fx.clearPauseTriggers(job);
        assertThat(paused).isEqualTo(new Outcome.Paused(pauseEpoch,
                fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job)));
        assertThat(status(job)).isEqualTo("paused");
        return paused;
    }

    /** Pauses {@code round} rounds into the epoch after {@code epoch}, as a pause asked for at a round would. */
    protected String pauseAtRound(UUID job, int attempt, int epoch, int round) throws IOException {
        fx.pauseWhenRoundRecorded(job, epoch, round);
        Outcome paused = run(job, attempt, fx.queryString(
                "SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job));
        fx.clearPauseTriggers(job);
        String uri = fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", job);
        assertThat(paused).isEqualTo(new Outcome.Paused(epoch, uri));
        assertThat(fx.queryStrings("SELECT status || ' ' || current_epoch || ' ' || current_round || ' '"
                + " || pause_checkpoint_epoch || ' ' || pause_checkpoint_round FROM training_jobs WHERE id = ?", job))
                .containsExactly("paused " + epoch + " " + round + " " + epoch + " " + round);
        assertThat(fx.queryStrings("SELECT epoch || ' ' || round FROM checkpoints WHERE uri = ?", uri))
                .containsExactly(epoch + " " + round);
        return uri;
    }

    /** Trains both fresh jobs to completion: the same validation loss every epoch, the same final model bit for bit. */
    protected void assertTrainIdentically(UUID job, UUID twin) throws IOException {
        assertThat(run(job, 1, null)).isInstanceOf(Outcome.Completed.class);
        assertThat(run(twin, 1, null)).isInstanceOf(Outcome.Completed.class);

        assertThat(valLosses(twin)).hasSize(EPOCHS).isEqualTo(valLosses(job));
        assertSameModel(checkpoint(twin, "final", EPOCHS), checkpoint(job, "final", EPOCHS));
    }

    /** Pauses after epoch 2, resumes, and compares every epoch and the final model with an uninterrupted twin. */
    protected void pauseAtAnEpochResumeAndCompareWithATwin(int workers) throws Exception {
        UUID straight = newJob(workers);
        run(straight, 1, null);

        UUID interrupted = newJob(workers);
        pauseAndResume(interrupted, 1, 2);
        String checkpointUri = fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?",
                interrupted);
        CheckpointCodec.Restored atPause = load(checkpointUri);
        assertRestoresEverything(atPause, checkpoint(straight, "periodic", 2));

        int attempt = fx.resume(interrupted);
        Outcome resumed = run(interrupted, attempt, checkpointUri);

        assertThat(resumed).isInstanceOf(Outcome.Completed.class);
        assertThat(valLosses(interrupted)).isEqualTo(valLosses(straight));
        assertThat(fx.queryStrings("SELECT DISTINCT attempt FROM training_metrics WHERE job_id = ? AND epoch > 2",
                interrupted)).containsExactly("2");
        assertSameModel(checkpoint(interrupted, "final", EPOCHS), checkpoint(straight, "final", EPOCHS));
        // Once the first resumed epoch is committed, the pause checkpoint is released.
        assertThat(fx.queryString("SELECT pause_checkpoint_path FROM training_jobs WHERE id = ?", interrupted)).isNull();
        assertThat(Path.of(URI.create(checkpointUri))).doesNotExist();
        assertThat(fx.queryString("SELECT deleted_at IS NOT NULL FROM checkpoints WHERE uri = ?", checkpointUri))
                .isEqualTo("t");
    }

    /** Pauses 4 rounds into epoch 3, resumes, and compares with an uninterrupted twin. */
    protected void pauseWithinAnEpochResumeAndCompareWithATwin(int workers) throws Exception {
        UUID straight = newJob(workers);
        run(straight, 1, null);

        UUID interrupted = newJob(workers);
        String uri = pauseAtRound(interrupted, 1, 2, 4);
        CheckpointCodec.Restored atPause = load(uri);
        assertThat(atPause.state().lastCompletedEpoch()).isEqualTo(2);
        assertThat(atPause.state().roundsCompleted()).isEqualTo(4);
        assertThat(atPause.network().epochCount())
                .as("DL4J's epoch count moves on only with a whole epoch").isEqualTo(2);
        assertThat(fx.queryString("SELECT count(*) FROM training_metrics WHERE job_id = ? AND epoch = 3",
                interrupted)).isEqualTo("0");

        int attempt = fx.resume(interrupted);
        assertThat(run(interrupted, attempt, uri)).isInstanceOf(Outcome.Completed.class);

        assertThat(valLosses(interrupted)).isEqualTo(valLosses(straight));
        assertThat(fx.queryStrings("SELECT learning_rate FROM training_metrics WHERE job_id = ? ORDER BY epoch",
                interrupted)).isEqualTo(fx.queryStrings(
                "SELECT learning_rate FROM training_metrics WHERE job_id = ? ORDER BY epoch", straight));
        assertSameModel(checkpoint(interrupted, "final", EPOCHS), checkpoint(straight, "final", EPOCHS));
        assertThat(fx.queryStrings("SELECT reason FROM job_events WHERE job_id = ? AND event_type = 'status'"
                + " AND to_value = 'paused'", interrupted)).containsExactly("paused at epoch 2, round 4");
    }

    protected static void assertRestoresEverything(CheckpointCodec.Restored paused, CheckpointCodec.Restored reference) {
        assertSameModel(paused, reference);
        TrainingState a = paused.state();
        TrainingState b = reference.state();
        assertThat(a.lastCompletedEpoch()).as("epoch counter").isEqualTo(b.lastCompletedEpoch()).isEqualTo(2);
        assertThat(a.epochCount()).as("DL4J epoch count (schedule position)").isEqualTo(b.epochCount()).isEqualTo(2);
        assertThat(a.iterationCount()).as("iteration count").isEqualTo(b.iterationCount()).isPositive();
        assertThat(a.learningRate()).as("learning rate").isEqualTo(b.learningRate());
        assertThat(a.bestValLoss()).as("best validation loss").isEqualTo(b.bestValLoss());
        assertThat(a.bestEpoch()).as("best epoch").isEqualTo(b.bestEpoch());
        assertThat(a.patienceCounter()).as("early-stopping patience counter").isEqualTo(b.patienceCounter());
        assertThat(paused.normalizer().getMean().toDoubleVector()).isEqualTo(reference.normalizer().getMean()
                .toDoubleVector());
    }

    protected static void assertSameModel(CheckpointCodec.Restored a, CheckpointCodec.Restored b) {
        Network x = a.network();
        Network y = b.network();
        assertThat(sha(x.params().toFloatVector())).as("weights, bit for bit").isEqualTo(sha(y.params().toFloatVector()));
        assertThat(sha(x.updaterState().toFloatVector())).as("updater state, bit for bit")
                .isEqualTo(sha(y.updaterState().toFloatVector()));
    }

    protected static String sha(float[] values) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (float v : values) {
                int bits = Float.floatToRawIntBits(v);
                digest.update(new byte[] {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
