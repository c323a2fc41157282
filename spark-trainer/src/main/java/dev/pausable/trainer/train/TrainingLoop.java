package dev.pausable.trainer.train;

import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.CheckpointNames;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.Dataset;
import dev.pausable.contract.DatasetTask;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.TrainingConfig;
import dev.pausable.contract.TrainingJob;
import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.checkpoint.CheckpointStore;
import dev.pausable.trainer.checkpoint.TrainingState;
import dev.pausable.trainer.data.Seeds;
import dev.pausable.trainer.data.Standardization;
import dev.pausable.trainer.data.TrainingData;
import dev.pausable.trainer.db.EpochRecord;
import dev.pausable.trainer.db.JobStore;
import dev.pausable.trainer.db.StoredCheckpoint;
import java.io.IOException;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop. Every epoch, in this order: train one epoch and score the validation split;
 * record progress (which returns the operator's intent); then pause, cancel, stop early, finish,
 * or go on. Data order, worker splits and averaging order are functions of (seed, epoch), so a
 * run resumed from a checkpoint continues exactly as if it had never stopped.
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

    public TrainingLoop(JavaSparkContext sc, JobStore store, CheckpointStore checkpoints, TrainingJob job,
                        Dataset dataset, TrainingConfig config, String configHash) {
        this.sc = sc;
        this.store = store;
        this.checkpoints = checkpoints;
        this.job = job;
        this.dataset = dataset;
        this.config = config;
        this.configHash = configHash;
    }

    public Outcome run(TrainingData data) throws IOException {
        boolean classification = dataset.task() == DatasetTask.CLASSIFICATION;
        MultiLayerNetwork net;
        Standardization stats;
        TrainingState state;
        CommittedCheckpoint resumedFrom = job.pauseCheckpoint().orElse(null);
        if (resumedFrom != null) {
            log.info("Resuming from pause checkpoint: {}", resumedFrom.uri());
            byte[] bytes = checkpoints.readVerified(resumedFrom.uri(), resumedFrom.sizeBytes(), resumedFrom.sha256());
            CheckpointCodec.Restored restored = CheckpointCodec.decode(bytes);
            state = restored.state();
            requireConsistent(restored, resumedFrom);
            net = restored.network();
            stats = Standardization.fromNormalizer(restored.normalizer());
            log.info("Resumed from epoch {}, best_val_loss={}", state.lastCompletedEpoch(), state.bestValLoss());
        } else {
            net = ModelFactory.create(config, dataset.featureColumns().size(), dataset.labelColumns().size(),
                    classification);
            stats = data.standardization();
            state = new TrainingState(TrainingState.FORMAT_VERSION, job.id().toString(), store.attempt(), 0, 0, 0,
                    null, 0, 0, config.learningRate(), config.seed(), configHash, DL4J_VERSION);
        }
        List<DataSet> validation = data.validationBatches(VALIDATION_BATCH, stats);
        EarlyStopping stopping = new EarlyStopping(config.earlyStopPatience(), state.bestValLoss(), state.bestEpoch(),
                state.patienceCounter());

        for (int epoch = state.lastCompletedEpoch() + 1; epoch <= job.totalEpochs(); epoch++) {
            double learningRate = ModelFactory.learningRateAt(config,
                    net.getLayerWiseConfigurations().getIterationCount(), epoch);
            long started = System.nanoTime();
            SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, masterFor(epoch));
            JavaRDD<DataSet> batches = data.epochBatches(config.seed(), epoch, config.batchSize(), stats);
            sparkNet.fit(batches);
            batches.unpersist(false);
            long durationMs = (System.nanoTime() - started) / 1_000_000;
            double trainLoss = sparkNet.getScore();
            double valLoss = validationLoss(net, validation);

            stopping.record(epoch, valLoss);
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            DesiredState intent = store.recordEpoch(new EpochRecord(epoch, 100.0 * epoch / job.totalEpochs(), trainLoss,
                    valLoss, learningRate, stopping.best(), stopping.bestEpoch(), durationMs,
                    data.trainCount() * 1000.0 / Math.max(1, durationMs), conf.getIterationCount()));
            log.info("Epoch {}/{}: train_loss={} val_loss={} lr={} ({} ms)", epoch, job.totalEpochs(), trainLoss,
                    valLoss, learningRate, durationMs);
            if (resumedFrom != null) {
                releasePauseCheckpoint(resumedFrom.uri());
                resumedFrom = null;
            }
            state = new TrainingState(TrainingState.FORMAT_VERSION, job.id().toString(), store.attempt(), epoch,
                    conf.getIterationCount(), conf.getEpochCount(), stopping.best(), stopping.bestEpoch(),
                    stopping.sinceImprovement(), learningRate,
                    config.seed(), configHash, DL4J_VERSION);

            boolean earlyStop = stopping.shouldStop();
            boolean last = epoch == job.totalEpochs() || earlyStop;
            if (intent == DesiredState.CANCELLED) {
                store.cancel("cancelled after epoch " + epoch);
                return new Outcome.Cancelled(epoch);
            }
            if (intent == DesiredState.PAUSED && !last) {
                StoredCheckpoint checkpoint = write(net, stats, state, CheckpointKind.PAUSE);
                if (store.commitPause(checkpoint)) {
                    log.info("Paused after epoch {}: {}", epoch, checkpoint.uri());
                    return new Outcome.Paused(epoch, checkpoint.uri());
                }
                checkpoints.delete(checkpoint.uri());
                store.cancel("cancelled while pausing after epoch " + epoch);
                return new Outcome.Cancelled(epoch);
            }
            if (last) {
                StoredCheckpoint model = write(net, stats, state, CheckpointKind.FINAL);
                String reason = earlyStop
                        ? "early stopping after epoch " + epoch + " (best epoch " + stopping.bestEpoch() + ")"
                        : "completed " + epoch + " epochs";
                store.complete(model, reason);
                return new Outcome.Completed(epoch, model.uri(), earlyStop);
            }
            if (config.checkpointEveryEpochs() > 0 && epoch % config.checkpointEveryEpochs() == 0) {
                store.recordCheckpoint(write(net, stats, state, CheckpointKind.PERIODIC), CheckpointKind.PERIODIC);
            }
        }
        throw new IllegalStateException("Job " + job.id() + " has no epochs left to train (total "
                + job.totalEpochs() + ")");
    }

    /**
     * A new master per epoch: DL4J's master draws its split seeds from one Random, so a master
     * reused across epochs (or rebuilt after a restore) would not reproduce the epochs' splits.
     */
    private ParameterAveragingTrainingMaster masterFor(int epoch) {
        return new OrderedParameterAveragingMaster(masterSettings(config, Seeds.mix(config.seed(), Seeds.MASTER, epoch)));
    }

    /** The parameter-averaging settings of a job: pre-partitioned data, updater state kept. */
    public static ParameterAveragingTrainingMaster.Builder masterSettings(TrainingConfig config, long rngSeed) {
        return new ParameterAveragingTrainingMaster.Builder(config.workers(), config.batchSize())
                .batchSizePerWorker(config.batchSize())
                .averagingFrequency(config.averagingFrequency())
                .saveUpdater(true)
                .repartionData(Repartition.Never)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .workerPrefetchNumBatches(0)
                .rngSeed(rngSeed);
    }

    /** Mean loss over the validation split, scored on the driver's network (never the broadcast one). */
    static double validationLoss(MultiLayerNetwork net, List<DataSet> batches) {
        double sum = 0;
        long examples = 0;
        for (DataSet batch : batches) {
            sum += net.score(batch, false) * batch.numExamples();
            examples += batch.numExamples();
        }
        return sum / examples;
    }

    private StoredCheckpoint write(MultiLayerNetwork net, Standardization stats, TrainingState state,
                                   CheckpointKind kind) throws IOException {
        long started = System.nanoTime();
        byte[] bytes = CheckpointCodec.encode(net, stats.toNormalizer(), state);
        String name = CheckpointNames.name(kind, state.lastCompletedEpoch(), store.attempt());
        return checkpoints.write(checkpoints.uriFor(job.id(), name), state.lastCompletedEpoch(), bytes)
                .took((System.nanoTime() - started) / 1_000_000);
    }

    private void requireConsistent(CheckpointCodec.Restored restored, CommittedCheckpoint committed)
            throws IOException {
        TrainingState state = restored.state();
        MultiLayerConfiguration conf = restored.network().getLayerWiseConfigurations();
        if (!job.id().toString().equals(state.jobId())) {
            throw new IOException("Checkpoint " + committed.uri() + " belongs to job " + state.jobId());
        }
        if (!configHash.equals(state.configHash())) {
            throw new IOException("Checkpoint " + committed.uri() + " was written under another job config");
        }
        if (state.lastCompletedEpoch() != committed.epoch()) {
            throw new IOException("Checkpoint " + committed.uri() + " holds epoch " + state.lastCompletedEpoch()
                    + ", but epoch " + committed.epoch() + " was committed");
        }
        if (conf.getEpochCount() != state.epochCount() || conf.getIterationCount() != state.iterationCount()) {
            throw new IOException("Checkpoint " + committed.uri() + " restored DL4J counters (epoch "
                    + conf.getEpochCount() + ", iteration " + conf.getIterationCount() + ") that differ from its "
                    + "training state (epoch " + state.epochCount() + ", iteration " + state.iterationCount() + ")");
        }
    }

    private void releasePauseCheckpoint(String uri) {
        try {
            checkpoints.delete(uri);
            store.releasePauseCheckpoint(uri);
        } catch (IOException e) {
            // The job continues; the object stays and its row stays live, so nothing is lost or lied about.
            log.warn("Could not delete pause checkpoint {} after resuming: {}", uri, e.toString());
        }
    }
}
