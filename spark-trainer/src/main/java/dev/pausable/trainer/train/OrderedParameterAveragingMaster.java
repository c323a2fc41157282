package dev.pausable.trainer.train;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parameter averaging whose sums do not depend on which Spark task finishes first. DL4J's master
 * sums worker results with {@code treeAggregate}, whose merge order follows task completion: at 3+
 * workers the floating-point sum then differs run to run (±1e-6), and so would a resumed run. Here
 * the worker results are collected in partition order and summed in that order on the driver.
 *
 * <p>Costs one copy of the parameters (and updater state) per worker on the driver per averaging
 * round, which is what {@code treeAggregate} at depth 1 costs too.
 */
public class OrderedParameterAveragingMaster extends ParameterAveragingTrainingMaster {

    public OrderedParameterAveragingMaster(Builder builder) {
        super(builder);
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        if (network == null) {
            throw new UnsupportedOperationException("Only MultiLayerNetwork training is supported");
        }
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
        params.divi(count);
        MultiLayerNetwork net = network.getNetwork();
        net.setParameters(params);
        if (updaterState != null) {
            updaterState.divi(count);
            net.getUpdater().setStateViewArray(null, updaterState, false);
        }
        network.setScore(scoreSum / count);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        conf.setIterationCount(conf.getIterationCount() + averagingFrequency);
    }

    /** One worker's parameters, updater state and score after an averaging round. */
    record WorkerResult(INDArray parameters, INDArray updaterState, double score) implements Serializable {
    }
}
