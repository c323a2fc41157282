package dev.pausable.controlplane.support;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** DL4J network configurations a job can bring, as DL4J's own toJson() writes them. */
public final class Networks {

    private Networks() {
    }

    /** Two dense branches of the features, merged, and a regression head: the dataset's 3 features and 2 labels. */
    public static String branches(int inputs) {
        ComputationGraphConfiguration graph = new NeuralNetConfiguration.Builder().updater(new Adam(0.01))
                .graphBuilder()
                .addInputs("features")
                .addLayer("wide", new DenseLayer.Builder().nIn(inputs).nOut(8).activation(Activation.RELU).build(),
                        "features")
                .addLayer("deep", new DenseLayer.Builder().nIn(inputs).nOut(4).activation(Activation.TANH).build(),
                        "features")
                .addVertex("merged", new MergeVertex(), "wide", "deep")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(12).nOut(2)
                        .activation(Activation.IDENTITY).build(), "merged")
                .setOutputs("out")
                .build();
        return graph.toJson();
    }
}
