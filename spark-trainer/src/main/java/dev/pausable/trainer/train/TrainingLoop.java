package dev.pausable.trainer.train;

import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.CheckpointNames;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.Dataset;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.PauseAt;
import dev.pausable.contract.Retention;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.contract.TrainingJob;
import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.checkpoint.CheckpointStore;
import dev.pausable.trainer.checkpoint.TrainingState;
import dev.pausable.trainer.data.Epoch;
import dev.pausable.trainer.data.Standardization;
import dev.pausable.trainer.data.TrainingData;
import dev.pausable.trainer.db.EpochRecord;
import dev.pausable.trainer.db.JobStore;
import dev.pausable.trainer.db.StoredCheckpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop. Every epoch, in this order: train the epoch's averaging rounds and score the
 * validation split; record progress (which returns the operator's intent); then pause, cancel, stop
 * early, finish, or go on. Between rounds the driver records its round and reads the intent (at most
 * every {@link Timing#roundReport}), so a cancel or a pause asked for at a round takes effect at a
 * round boundary. Data order, rounds and averaging order are functions of (seed, epoch), so a run
 * resumed from a checkpoint, at an epoch or a round boundary, continues exactly as if it had never
 * stopped.
 */
public final class TrainingLoop {

    private static final Logger log = LoggerFactory.getLogger(TrainingLoop.class);
    private static final int VALIDATION_BATCH = 1024;
    private static final String DL4J_VERSION = "1.0.0-M2.1";

    private final JavaSparkContext sc;
    private final JobStore store;
    private final CheckpointStore checkpoints;
    private final TrainingJob job;
    private final Dataset dataset;
    private final TrainingConfig config;
    private final String configHash;
    private final CommittedCheckpoint resumeFrom;
    private final Retention retention;
    private final Timing timing;
    private final Preemption preemption;
    private final int threadsPerTask;
    /** Whether epochs may try the round exchange; not after its tasks could not reach it. */
    private boolean roundExchange;
    /** When the last checkpoint of this attempt was committed (or the attempt started), for the interval. */
    private long lastCheckpoint;
    /** A due checkpoint could not be written: the next epoch boundary writes one. */
    private boolean checkpointOwed;
    private BackgroundCheckpoints background;
    /** The operator's intent as last read (at an epoch record or a round report). */
    private JobStore.Intent intent = JobStore.Intent.RUNNING;
    private long lastRoundReport;
    /** Set when an epoch stopped at a round boundary: how the attempt ended there. */
    private Outcome stoppedAtRound;

    /**
     * @param finalWrite  how long the final model's write is retried before the attempt fails
     * @param roundReport how often the round is recorded and the intent read between rounds (zero: every round)
     */
    public record Timing(Duration finalWrite, Duration roundReport) {
    }

    /**
     * {@code resumeFrom}: the committed checkpoint this attempt continues from; null for a fresh start.
     * {@code preemption}: asked after every round and epoch; once it says so, the attempt ends there.
     */
    public TrainingLoop(JavaSparkContext sc, JobStore store, CheckpointStore checkpoints, TrainingJob job,
                        Dataset dataset, TrainingConfig config, String configHash, CommittedCheckpoint resumeFrom,
                        Timing timing, Preemption preemption) {
        this.sc = sc;
        this.store = store;
        this.checkpoints = checkpoints;
        this.job = job;
        this.dataset = dataset;
        this.config = config;
        this.configHash = configHash;
        this.resumeFrom = resumeFrom;
        this.retention = Retention.of(config);
        this.timing = timing;
        this.preemption = preemption;
        this.threadsPerTask = OrderedParameterAveragingMaster.threadsPerTask(sc.getConf(), config.workers());
        this.roundExchange = OrderedParameterAveragingMaster.exchange(sc.getConf());
    }

    public Outcome run(TrainingData data) throws IOException {
        try (BackgroundCheckpoints uploads = new BackgroundCheckpoints()) {
            background = uploads;
            return train(data);
        }
    }

    private Outcome train(TrainingData data) throws IOException {
        Network net;
        Standardization stats;
        TrainingState state;
        CommittedCheckpoint resumedFrom = resumeFrom;
        if (resumedFrom != null) {
            log.info("Resuming from checkpoint: {}", resumedFrom.uri());
            byte[] bytes = checkpoints.readVerified(resumedFrom.uri(), resumedFrom.sizeBytes(), resumedFrom.sha256());
            CheckpointCodec.Restored restored = CheckpointCodec.decode(bytes);
            state = restored.state();
            requireConsistent(restored, resumedFrom);
            net = restored.network();
            stats = Standardization.fromNormalizer(restored.normalizer());
            log.info("Resumed from {}, best_val_loss={}", resumedFrom.position(), state.bestValLoss());
        } else {
            net = ModelFactory.create(config, dataset);
            stats = data.standardization();
            state = new TrainingState(TrainingState.FORMAT_VERSION, job.id().toString(), store.attempt(), 0, 0, 0, 0,
                    null, 0, 0, net.learningRate(), config.seed(), configHash, DL4J_VERSION);
        }
        JavaRDD<DataSet> validation = data.validationBatches(VALIDATION_BATCH, stats);
        EarlyStopping stopping = new EarlyStopping(config.earlyStopPatience(), state.bestValLoss(), state.bestEpoch(),
                state.patienceCounter());

        lastCheckpoint = System.nanoTime();
        lastRoundReport = System.nanoTime();
        for (int epoch = state.lastCompletedEpoch() + 1; epoch <= job.totalEpochs(); epoch++) {
            int fromRound = state.roundsCompleted();
            // A resume within an epoch reports the epoch's learning rate, not one read off the moved iteration count.
            double learningRate = state.withinEpoch() ? state.learningRate() : net.learningRate();
            long started = System.nanoTime();
            OrderedParameterAveragingMaster master = new OrderedParameterAveragingMaster(config.averagingFrequency(),
                    threadsPerTask, roundExchange);
            Epoch batches = data.epoch(config.seed(), epoch, config.batchSize(), config.averagingFrequency(), stats);
            TrainingState epochStart = state;
            int trained = epoch;
            OrderedParameterAveragingMaster.Rounds rounds = master.fitRounds(sc, net, batches, fromRound,
                    (done, total) -> afterRound(net, stats, epochStart, trained, done, total, learningRate,
                            master.score()));
            if (roundExchange && master.exchangeUnreachable().isPresent()) {
                roundExchange = false;
                String problem = "The round exchange's tasks did not all reach the driver in epoch " + epoch + " ("
                        + master.exchangeUnreachable().get() + "); this attempt trains on with a Spark job per round";
                log.warn(problem);
                store.recordProblem(problem);
            }
            if (stoppedAtRound != null) {
                return stoppedAtRound;
            }
            long durationMs = (System.nanoTime() - started) / 1_000_000;
            double trainLoss = master.score();
            double valLoss = ValidationLoss.of(sc, net, validation);
            double examplesTrained = data.trainCount() * rounds.fractionTrained(fromRound);

            stopping.record(epoch, valLoss);
            intent = store.recordEpoch(new EpochRecord(epoch, 100.0 * epoch / job.totalEpochs(), trainLoss,
                    valLoss, learningRate, stopping.best(), stopping.bestEpoch(), durationMs,
                    examplesTrained * 1000.0 / Math.max(1, durationMs), net.iterationCount()));
            log.info("Epoch {}/{}: train_loss={} val_loss={} lr={} ({} ms; {})", epoch, job.totalEpochs(), trainLoss,
                    valLoss, learningRate, durationMs, master.phases());
            if (resumedFrom != null) {
                store.clearPauseCheckpoint();
                resumedFrom = null;
            }
            state = new TrainingState(TrainingState.FORMAT_VERSION, job.id().toString(), store.attempt(), epoch, 0,
                    net.iterationCount(), net.epochCount(), stopping.best(), stopping.bestEpoch(),
                    stopping.sinceImprovement(), learningRate,
                    config.seed(), configHash, DL4J_VERSION);

            boolean earlyStop = stopping.shouldStop();
            boolean last = epoch == job.totalEpochs() || earlyStop;
            if (preemption.requested() && !last) {
                return preempted(net, stats, state);
            }
            if (intent.desired() != DesiredState.RUNNING || last) {
                // Checkpoints still uploading are committed before the outcome, in their order.
                background.drain();
            }
            if (intent.desired() == DesiredState.CANCELLED) {
                store.cancel("cancelled after epoch " + epoch);
                return new Outcome.Cancelled(epoch);
            }
            if (intent.desired() == DesiredState.PAUSED && !last) {
                Optional<Outcome> paused = pause(net, stats, state, "training goes on and the pause is tried again"
                        + " after the next " + (intent.at() == PauseAt.ROUND ? "round" : "epoch"));
                if (paused.isPresent()) {
                    return paused.get();
                }
                continue;
            }
            if (last) {
                // Never COMPLETED without a verified final model: retried until the deadline, then the
                // attempt fails (transient) and the control plane's restart policy applies.
                long writeStarted = System.nanoTime();
                byte[] bytes = CheckpointCodec.encode(net, stats.toNormalizer(), state);
                StoredCheckpoint model = checkpoints.writeRetrying(checkpointUri(CheckpointKind.FINAL, epoch, 0), epoch,
                        bytes, timing.finalWrite()).took((System.nanoTime() - writeStarted) / 1_000_000);
                String reason = earlyStop
                        ? "early stopping after epoch " + epoch + " (best epoch " + stopping.bestEpoch() + ")"
                        : "completed " + epoch + " epochs";
                deleteReleased(store.complete(model, reason, retention));
                return new Outcome.Completed(epoch, model.uri(), earlyStop);
            }
            checkpointOwed |= background.failedSinceLastCheck();
            for (CheckpointKind due : checkpointsDue(epoch, stopping.bestEpoch() == epoch)) {
                inBackground(net, stats, state, due);
                checkpointOwed = false;
                lastCheckpoint = System.nanoTime();
            }
        }
        throw new IllegalStateException("Job " + job.id() + " has no epochs left to train (total "
                + job.totalEpochs() + ")");
    }

    /**
     * After a round that does not end the epoch: records the round and reads the intent when a report is
     * due or the database announced a change of intent; then cancels, pauses here, or goes on. A pause
     * whose checkpoint cannot be written goes on and is tried again after the next round. Returns false when the attempt ends here ({@link #stoppedAtRound}).
     */
    private boolean afterRound(Network net, Standardization stats, TrainingState epochStart, int epoch,
                               int done, int rounds, double learningRate, double trainLoss)
            throws IOException {
        if (preemption.requested()) {
            stoppedAtRound = preempted(net, stats, stateAt(net, epochStart, epoch, done, learningRate));
            return false;
        }
        long now = System.nanoTime();
        if (now - lastRoundReport >= timing.roundReport().toNanos() || store.intentMayHaveChanged()) {
            lastRoundReport = now;
            double progress = 100.0 * (epoch - 1 + (double) done / rounds) / job.totalEpochs();
            intent = store.recordRound(epoch - 1, done, rounds, progress, trainLoss);
        }
        if (!intent.stopsAtRound()) {
            return true;
        }
        background.drain();
        if (intent.desired() == DesiredState.CANCELLED) {
            store.cancel("cancelled " + CommittedCheckpoint.boundary(epoch - 1, done));
            stoppedAtRound = new Outcome.Cancelled(epoch - 1);
            return false;
        }
        stoppedAtRound = pause(net, stats, stateAt(net, epochStart, epoch, done, learningRate),
                "training goes on and the pause is tried again after the next round").orElse(null);
        return stoppedAtRound == null;
    }

    /** The training state {@code done} rounds into {@code epoch}: the network's, and the epoch start's counters. */
    private TrainingState stateAt(Network net, TrainingState epochStart, int epoch, int done,
                                  double learningRate) {
        return new TrainingState(TrainingState.FORMAT_VERSION, job.id().toString(), store.attempt(), epoch - 1, done,
                net.iterationCount(), net.epochCount(), epochStart.bestValLoss(), epochStart.bestEpoch(),
                epochStart.patienceCounter(), learningRate, config.seed(), configHash, DL4J_VERSION);
    }

    /**
     * The driver was told to stop (see {@link Preemption}) and stands at {@code state}'s boundary. What the
     * operator asked for still wins: a cancel is acknowledged, a pause is committed here. Otherwise the
     * state is checkpointed and the job handed to the next attempt, which resumes from that checkpoint
     * (from the latest committed one if it could not be written). A pause whose checkpoint cannot be
     * written ends the attempt as a transient failure: the control plane pauses the job at its latest
     * checkpoint.
     */
    private Outcome preempted(Network net, Standardization stats, TrainingState state) throws IOException {
        String boundary = CommittedCheckpoint.boundary(state.lastCompletedEpoch(), state.roundsCompleted());
        background.drain();
        DesiredState wanted = store.intent();
        if (wanted == DesiredState.CANCELLED) {
            store.cancel("cancelled " + boundary + " (the driver was preempted)");
            return new Outcome.Cancelled(state.lastCompletedEpoch());
        }
        if (wanted == DesiredState.PAUSED) {
            return pause(net, stats, state, "the driver was preempted and stops without it").orElseThrow(
                    () -> new IOException("Preempted while pausing, and the pause checkpoint could not be written"));
        }
        Optional<StoredCheckpoint> checkpoint = tryWrite(net, stats, state, CheckpointKind.PERIODIC,
                "The checkpoint of a preempted driver " + boundary + " could not be written; the next attempt"
                        + " resumes from the latest committed checkpoint");
        deleteReleased(store.handOver(checkpoint.orElse(null), boundary, retention));
        log.info("Preempted {}: job handed to attempt {}", boundary, store.attempt() + 1);
        return new Outcome.Preempted(state.lastCompletedEpoch(), state.roundsCompleted(),
                checkpoint.map(StoredCheckpoint::uri).orElse(null));
    }

    /**
     * Writes the pause checkpoint of {@code state} and commits the pause; empty when the checkpoint could not
     * be written (recorded on the job with {@code retry}: what happens instead).
     */
    private Optional<Outcome> pause(Network net, Standardization stats, TrainingState state, String retry) {
        String boundary = CommittedCheckpoint.boundary(state.lastCompletedEpoch(), state.roundsCompleted());
        Optional<StoredCheckpoint> checkpoint = tryWrite(net, stats, state, CheckpointKind.PAUSE,
                "The pause checkpoint " + boundary + " could not be written; " + retry);
        if (checkpoint.isEmpty()) {
            return Optional.empty();
        }
        Optional<List<String>> paused = store.commitPause(checkpoint.get(), retention);
        if (paused.isPresent()) {
            deleteReleased(paused.get());
            log.info("Paused {}: {}", boundary, checkpoint.get().uri());
            return Optional.of(new Outcome.Paused(state.lastCompletedEpoch(), checkpoint.get().uri()));
        }
        deleteReleased(List.of(checkpoint.get().uri()));
        store.cancel("cancelled while pausing " + boundary);
        return Optional.of(new Outcome.Cancelled(state.lastCompletedEpoch()));
    }

    private StoredCheckpoint write(Network net, Standardization stats, TrainingState state,
                                   CheckpointKind kind) throws IOException {
        long started = System.nanoTime();
        byte[] bytes = CheckpointCodec.encode(net, stats.toNormalizer(), state);
        int epoch = state.lastCompletedEpoch();
        int round = state.roundsCompleted();
        return checkpoints.write(checkpointUri(kind, epoch, round), epoch, round, bytes)
                .took((System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Encodes a periodic or best checkpoint now (the state of this boundary) and hands its upload and
     * commit to the background, so the next epoch does not wait for the object store.
     */
    private void inBackground(Network net, Standardization stats, TrainingState state, CheckpointKind kind)
            throws IOException {
        long started = System.nanoTime();
        byte[] bytes = CheckpointCodec.encode(net, stats.toNormalizer(), state);
        long encodeMillis = (System.nanoTime() - started) / 1_000_000;
        int epoch = state.lastCompletedEpoch();
        boolean replaced = background.submit(kind, () -> {
            StoredCheckpoint stored;
            try {
                stored = checkpoints.write(checkpointUri(kind, epoch, 0), epoch, 0, bytes);
            } catch (IOException e) {
                String problem = "The " + kind.wire() + " checkpoint after epoch " + epoch
                        + " could not be written; tried again after the next epoch";
                log.warn("{}: {}", problem, e.toString());
                store.recordProblem(problem + ": " + e.getMessage());
                return false;
            }
            deleteReleased(store.commitCheckpoint(stored.took(encodeMillis + stored.writeMillis()), kind, retention));
            return true;
        });
        if (replaced) {
            log.info("An earlier {} checkpoint was still waiting for the object store; epoch {} replaces it",
                    kind.wire(), epoch);
        }
    }

    /** A checkpoint write whose failure is recorded on the job (with {@code problem}) instead of ending the attempt. */
    private Optional<StoredCheckpoint> tryWrite(Network net, Standardization stats, TrainingState state,
                                                CheckpointKind kind, String problem) {
        try {
            return Optional.of(write(net, stats, state, kind));
        } catch (IOException e) {
            log.warn("{}: {}", problem, e.toString());
            store.recordProblem(problem + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private String checkpointUri(CheckpointKind kind, int epoch, int round) {
        return checkpoints.uriFor(job.id(), CheckpointNames.name(kind, epoch, round, store.attempt()));
    }

    private void requireConsistent(CheckpointCodec.Restored restored, CommittedCheckpoint committed)
            throws IOException {
        TrainingState state = restored.state();
        Network network = restored.network();
        if (!job.id().toString().equals(state.jobId())) {
            throw new IOException("Checkpoint " + committed.uri() + " belongs to job " + state.jobId());
        }
        if (!configHash.equals(state.configHash())) {
            throw new IOException("Checkpoint " + committed.uri() + " was written under another job config");
        }
        if (state.lastCompletedEpoch() != committed.epoch() || state.roundsCompleted() != committed.round()) {
            throw new IOException("Checkpoint " + committed.uri() + " holds epoch " + state.lastCompletedEpoch()
                    + " and " + state.roundsCompleted() + " rounds, but " + committed.position() + " was committed");
        }
        if (network.epochCount() != state.epochCount() || network.iterationCount() != state.iterationCount()) {
            throw new IOException("Checkpoint " + committed.uri() + " restored DL4J counters (epoch "
                    + network.epochCount() + ", iteration " + network.iterationCount() + ") that differ from its "
                    + "training state (epoch " + state.epochCount() + ", iteration " + state.iterationCount() + ")");
        }
    }

    /**
     * The checkpoints due at this epoch boundary: {@code periodic} every {@code checkpoint_every_epochs}
     * epochs, once {@code checkpoint_interval_seconds} have passed since the last one, or when the last one
     * due could not be written; {@code best} when the validation loss improved and the job keeps its best.
     */
    private List<CheckpointKind> checkpointsDue(int epoch, boolean improved) {
        boolean everyEpochs = config.checkpointEveryEpochs() > 0 && epoch % config.checkpointEveryEpochs() == 0;
        boolean interval = config.checkpointIntervalSeconds() > 0
                && System.nanoTime() - lastCheckpoint >= config.checkpointIntervalSeconds() * 1_000_000_000L;
        List<CheckpointKind> due = new ArrayList<>(2);
        if (everyEpochs || interval || checkpointOwed) {
            due.add(CheckpointKind.PERIODIC);
        }
        if (improved && config.keepBest()) {
            due.add(CheckpointKind.BEST);
        }
        return due;
    }

    /** Objects of released checkpoints (their rows already say deleted); one left behind goes to the sweeper. */
    private void deleteReleased(List<String> uris) {
        for (String uri : uris) {
            try {
                checkpoints.delete(uri);
            } catch (IOException e) {
                log.warn("Could not delete released checkpoint {}: {}", uri, e.toString());
            }
        }
    }
}
