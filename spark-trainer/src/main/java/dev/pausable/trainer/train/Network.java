package dev.pausable.trainer.train;

import dev.pausable.networks.NetworkConfiguration;
import java.io.Serializable;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.util.ComputationGraphUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The network a job trains, a {@link MultiLayerNetwork} or a {@link ComputationGraph}, as the training
 * loop, the averaging master, validation and checkpoints see it: parameters and updater state as flat
 * arrays, DL4J's iteration and epoch counters (schedules and Adam's bias correction read them), and a
 * loss on a minibatch.
 */
public sealed interface Network {

    /** A stack of layers. */
    record Stack(MultiLayerNetwork net) implements Network {

        @Override
        public INDArray params() {
            return net.params();
        }

        @Override
        public INDArray updaterState() {
            return net.getUpdater().getStateViewArray();
        }

        @Override
        public void setParams(INDArray params) {
            net.setParameters(params);
        }

        @Override
        public void setUpdaterState(INDArray state) {
            net.getUpdater().setStateViewArray(null, state, false);
        }

        @Override
        public int iterationCount() {
            return net.getLayerWiseConfigurations().getIterationCount();
        }

        @Override
        public void setIterationCount(int count) {
            net.getLayerWiseConfigurations().setIterationCount(count);
        }

        @Override
        public int epochCount() {
            return net.getLayerWiseConfigurations().getEpochCount();
        }

        @Override
        public long seed() {
            return net.getLayerWiseConfigurations().getConf(0).getSeed();
        }

        @Override
        public void incrementEpochCount() {
            net.incrementEpochCount();
        }

        @Override
        public Layer[] layers() {
            return net.getLayers();
        }

        @Override
        public double score(DataSet batch) {
            return net.score(batch, false);
        }

        @Override
        public void setEpochCount(int count) {
            net.getLayerWiseConfigurations().setEpochCount(count);
        }

        @Override
        public void fit(DataSet batch) {
            net.fit(batch);
        }

        @Override
        public double score() {
            return net.score();
        }

        @Override
        public Kind kind() {
            return Kind.STACK;
        }

        @Override
        public String configurationJson() {
            return net.getLayerWiseConfigurations().toJson();
        }
    }

    /** A graph of one input and one output. */
    record Graph(ComputationGraph graph) implements Network {

        @Override
        public INDArray params() {
            return graph.params();
        }

        @Override
        public INDArray updaterState() {
            return graph.getUpdater().getStateViewArray();
        }

        @Override
        public void setParams(INDArray params) {
            graph.setParams(params);
        }

        @Override
        public void setUpdaterState(INDArray state) {
            graph.getUpdater().setStateViewArray(state);
        }

        @Override
        public int iterationCount() {
            return graph.getConfiguration().getIterationCount();
        }

        @Override
        public void setIterationCount(int count) {
            graph.getConfiguration().setIterationCount(count);
        }

        @Override
        public int epochCount() {
            return graph.getConfiguration().getEpochCount();
        }

        @Override
        public long seed() {
            return graph.getConfiguration().getDefaultConfiguration().getSeed();
        }

        @Override
        public void incrementEpochCount() {
            graph.incrementEpochCount();
        }

        @Override
        public Layer[] layers() {
            return graph.getLayers();
        }

        @Override
        public double score(DataSet batch) {
            return graph.score(batch, false);
        }

        @Override
        public void setEpochCount(int count) {
            graph.getConfiguration().setEpochCount(count);
        }

        @Override
        public void fit(DataSet batch) {
            graph.fit(ComputationGraphUtil.toMultiDataSet(batch));
        }

        @Override
        public double score() {
            return graph.score();
        }

        @Override
        public Kind kind() {
            return Kind.GRAPH;
        }

        @Override
        public String configurationJson() {
            return graph.getConfiguration().toJson();
        }
    }

    /** Which DL4J type a configuration JSON builds. */
    enum Kind implements Serializable {
        STACK, GRAPH
    }

    /** A new network of {@code configuration}, its parameters initialized from the configuration's seed. */
    static Network of(NetworkConfiguration configuration) {
        if (configuration instanceof NetworkConfiguration.Graph graph) {
            ComputationGraph network = new ComputationGraph(graph.configuration());
            network.init();
            return new Graph(network);
        }
        MultiLayerNetwork network = new MultiLayerNetwork(((NetworkConfiguration.MultiLayer) configuration)
                .configuration());
        network.init();
        return new Stack(network);
    }

    /** A copy of a network from its configuration JSON and parameters (on an executor, say); no updater state. */
    static Network copy(Kind kind, String configurationJson, INDArray params) {
        if (kind == Kind.GRAPH) {
            ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
            graph.init(params, true);
            return new Graph(graph);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        net.init(params, true);
        return new Stack(net);
    }

    INDArray params();

    /** The updater's state (Adam's moments, say); null or empty for a stateless updater such as SGD. */
    INDArray updaterState();

    void setParams(INDArray params);

    void setUpdaterState(INDArray state);

    int iterationCount();

    void setIterationCount(int count);

    /** Epochs completed, as DL4J counts them (epoch schedules read it). */
    int epochCount();

    /** The configuration's seed: its initial parameters, and the draws of dropout and other random layers. */
    long seed();

    void incrementEpochCount();

    void setEpochCount(int count);

    /** One training step on {@code batch} (a graph gets it as a MultiDataSet of one input and one output). */
    void fit(DataSet batch);

    /** The loss of the last minibatch fitted. */
    double score();

    Layer[] layers();

    /** The mean loss over {@code batch}, in inference mode. */
    double score(DataSet batch);

    Kind kind();

    /** DL4J's own JSON of the configuration, counters included. */
    String configurationJson();

    /**
     * The learning rate in force now: the first layer's with one, at the network's iteration and epoch
     * (a layer's updater holds its schedule).
     */
    default double learningRate() {
        for (Layer layer : layers()) {
            if (layer.conf().getLayer() instanceof BaseLayer trained) {
                IUpdater updater = trained.getIUpdater();
                if (updater != null && updater.hasLearningRate()) {
                    return updater.getLearningRate(iterationCount(), epochCount());
                }
            }
        }
        return Double.NaN;
    }
}
