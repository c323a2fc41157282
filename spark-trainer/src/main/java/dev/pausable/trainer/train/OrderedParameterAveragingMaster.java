package dev.pausable.trainer.train;

import dev.pausable.trainer.data.Epoch;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.util.ComputationGraphUtil;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.executioner.GridExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parameter averaging in rounds we drive, with sums that do not depend on which Spark task finishes
 * first.
 *
 * <p><b>Rounds.</b> DL4J's own master cuts an epoch into random splits; here the epoch's minibatches
 * (each worker's order a function of seed and epoch, see {@link Epoch}) are cut into fixed rounds:
 * round {@code r} gives every worker its minibatches {@code [r·F, (r+1)·F)}, F the averaging frequency.
 * After every round the driver holds the averaged parameters and updater state, so a run may stop at
 * any round boundary and a later run continue at the next round exactly as if it had never stopped.
 * A round's tasks read only the data chunks that hold its minibatches.
 *
 * <p><b>Ordered sums.</b> DL4J's master sums worker results with {@code treeAggregate}, whose merge
 * order follows task completion: at 3+ workers the floating-point sum then differs run to run (±1e-6),
 * and so would a resumed run. Here the worker results are collected in partition order and summed in
 * that order on the driver. Costs one copy of the parameters (and updater state) per worker on the
 * driver per round, which is what {@code treeAggregate} at depth 1 costs too.
 */
public class OrderedParameterAveragingMaster extends ParameterAveragingTrainingMaster {

    /** The network {@link #fitRounds} trains; the averaged results go to it. */
    private Network training;
    private double score = Double.NaN;

    public OrderedParameterAveragingMaster(Builder builder) {
        super(builder);
    }

    /** Decides after each round whether the epoch goes on. */
    @FunctionalInterface
    public interface AfterRound {
        /** {@code done} rounds of {@code rounds} are trained and averaged; false stops the epoch here. */
        boolean proceed(int done, int rounds) throws IOException;
    }

    /** How far an epoch got: {@code done} of its {@code total} rounds. */
    public record Rounds(int done, int total) {

        /** The share of the epoch's examples trained by this call, which started after {@code fromRound}. */
        public double fractionTrained(int fromRound) {
            return total == 0 ? 0 : (double) (done - fromRound) / total;
        }
    }

    /**
     * Trains rounds {@code fromRound}, {@code fromRound + 1}, … of {@code epoch} (one partition per worker
     * in every round), until the epoch is complete or {@code after} stops it. The network's epoch count
     * moves on only when the epoch is complete (as {@code fit} does). A graph trains on the same minibatches
     * as {@code MultiDataSet}s of one input and one output.
     */
    public Rounds fitRounds(JavaSparkContext sc, Network network, Epoch epoch, int fromRound, AfterRound after)
            throws IOException {
        if (Nd4j.getExecutioner() instanceof GridExecutioner grid) {
            grid.flushQueue();
        }
        training = network;
        SparkDl4jMultiLayer stack = network instanceof Network.Stack s ? new SparkDl4jMultiLayer(sc, s.net(), this)
                : null;
        SparkComputationGraph graph = network instanceof Network.Graph g ? new SparkComputationGraph(sc, g.graph(), this)
                : null;
        int rounds = epoch.rounds();
        int done = fromRound;
        while (done < rounds) {
            JavaRDD<DataSet> minibatches = epoch.round(done);
            if (stack != null) {
                doIteration(stack, minibatches, done + 1, rounds);
            } else {
                doIteration(graph, minibatches.map(ComputationGraphUtil::toMultiDataSet), done + 1, rounds);
            }
            done++;
            if (done < rounds && !after.proceed(done, rounds)) {
                return new Rounds(done, rounds);
            }
        }
        network.incrementEpochCount();
        return new Rounds(rounds, rounds);
    }

    /** The mean of the workers' losses in the last round averaged. */
    public double score() {
        return score;
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        // DL4J's result type is not Java-serializable (its own path ships an aggregate instead).
        List<WorkerResult> ordered = results
                .map(r -> new WorkerResult(r.getParameters(), r.getUpdaterState(), r.getScore()))
                .collect();
        INDArray params = null;
        INDArray updaterState = null;
        double scoreSum = 0;
        int count = 0;
        for (WorkerResult result : ordered) {
            if (result.parameters() == null) {
                continue;
            }
            params = params == null ? result.parameters().dup() : params.addi(result.parameters());
            if (result.updaterState() != null) {
                updaterState = updaterState == null ? result.updaterState().dup()
                        : updaterState.addi(result.updaterState());
            }
            scoreSum += result.score();
            count++;
        }
        if (params == null) {
            return;
        }
        training.setParams(params.divi(count));
        if (updaterState != null) {
            training.setUpdaterState(updaterState.divi(count));
        }
        score = scoreSum / count;
        training.setIterationCount(training.iterationCount() + averagingFrequency);
    }

    /** One worker's parameters, updater state and score after an averaging round. */
    record WorkerResult(INDArray parameters, INDArray updaterState, double score) implements Serializable {
    }
}
