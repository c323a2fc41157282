package dev.pausable.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.Dataset;
import dev.pausable.contract.DatasetFormat;
import dev.pausable.contract.DatasetTask;
import dev.pausable.contract.FieldException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class NetworkConfigurationTest {

    private static final String FIELD = "config.model.configuration";
    private static final DataShape FOUR_IN_TWO_OUT = new DataShape(InputType.feedForward(4), 2,
            "the dataset's 4 feature columns", "the dataset's 2 label columns");

    static MultiLayerConfiguration stack(int inputs, int hidden, int outputs) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(hidden).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    static ComputationGraphConfiguration branches(int inputs, int outputs) {
        return new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01)).graphBuilder()
                .addInputs("features")
                .addLayer("wide", new DenseLayer.Builder().nIn(inputs).nOut(8).activation(Activation.RELU).build(),
                        "features")
                .addLayer("deep", new DenseLayer.Builder().nIn(inputs).nOut(6).activation(Activation.TANH).build(),
                        "features")
                .addVertex("merged", new MergeVertex(), "wide", "deep")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(14).nOut(outputs)
                        .activation(Activation.IDENTITY).build(), "merged")
                .setOutputs("out")
                .build();
    }

    private static Map<String, Object> json(String configuration) throws Exception {
        return Json.MAPPER.readValue(configuration, Json.OBJECT);
    }

    private static String problem(Map<String, Object> configuration) {
        return problem(configuration, FOUR_IN_TWO_OUT);
    }

    private static String problem(Map<String, Object> configuration, DataShape shape) {
        try {
            NetworkConfiguration.check(FIELD, configuration, shape);
        } catch (FieldException e) {
            assertThat(e.field()).isEqualTo(FIELD);
            return e.problem();
        }
        throw new AssertionError("accepted " + configuration);
    }

    @Test
    void aStackThatFitsTheDatasetIsReadBackAsDl4jWroteIt() throws Exception {
        MultiLayerConfiguration written = stack(4, 8, 2);
        NetworkConfiguration checked = NetworkConfiguration.check(FIELD, json(written.toJson()), FOUR_IN_TWO_OUT);
        assertThat(checked).isInstanceOf(NetworkConfiguration.MultiLayer.class);
        assertThat(((NetworkConfiguration.MultiLayer) checked).configuration()).isEqualTo(written);
        assertThat(NetworkConfiguration.check(FIELD, checked.canonical(), FOUR_IN_TWO_OUT).canonical())
                .isEqualTo(checked.canonical());
    }

    @Test
    void aGraphOfTwoMergedBranchesThatFitsIsAGraph() throws Exception {
        ComputationGraphConfiguration written = branches(4, 2);
        NetworkConfiguration checked = NetworkConfiguration.check(FIELD, json(written.toJson()), FOUR_IN_TWO_OUT);
        assertThat(checked).isInstanceOf(NetworkConfiguration.Graph.class);
        assertThat(((NetworkConfiguration.Graph) checked).configuration()).isEqualTo(written);
    }

    @Test
    void nullsLeftOutOfTheStoredJsonReadTheSame() throws Exception {
        // The control plane stores configs without null members; DL4J must read that as what it wrote.
        Map<String, Object> withoutNulls = withoutNulls(json(branches(4, 2).toJson()));
        assertThat(((NetworkConfiguration.Graph) NetworkConfiguration.check(FIELD, withoutNulls, FOUR_IN_TWO_OUT))
                .configuration()).isEqualTo(branches(4, 2));
        assertThat(((NetworkConfiguration.MultiLayer) NetworkConfiguration.check(FIELD,
                withoutNulls(json(stack(4, 8, 2).toJson())), FOUR_IN_TWO_OUT)).configuration())
                .isEqualTo(stack(4, 8, 2));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNulls(Map<String, Object> object) {
        Map<String, Object> copy = new LinkedHashMap<>();
        object.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map) {
                copy.put(key, withoutNulls((Map<String, Object>) map));
            } else if (value instanceof List<?> list) {
                copy.put(key, list.stream().map(e -> e instanceof Map<?, ?> m ? withoutNulls((Map<String, Object>) m) : e)
                        .toList());
            } else if (value != null) {
                copy.put(key, value);
            }
        });
        return copy;
    }

    @Test
    void aFirstLayerThatExpectsOtherInputsNamesTheLayerAndTheDatasetsColumns() throws Exception {
        assertThat(problem(json(stack(5, 8, 2).toJson()))).isEqualTo(
                "layer 0 (DenseLayer) has nIn 5, but receives 4 from the dataset's 4 feature columns "
                        + "(InputTypeFeedForward(4))");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aHiddenLayerThatDoesNotFitItsPredecessorIsNamed() throws Exception {
        // DL4J's builder would set nIn from the layer before; a configuration edited by hand need not.
        Map<String, Object> edited = json(stack(4, 8, 2).toJson());
        Map<String, Object> outputLayer = (Map<String, Object>) ((Map<String, Object>) ((List<Object>) edited.get("confs"))
                .get(1)).get("layer");
        outputLayer.put("nin", 7);
        assertThat(problem(edited)).isEqualTo(
                "layer 1 (OutputLayer) has nIn 7, but receives 8 from the output of layer 0 (DenseLayer) "
                        + "(InputTypeFeedForward(8))");
    }

    @Test
    void anOutputOfAnotherSizeThanTheLabelsIsRefused() throws Exception {
        assertThat(problem(json(stack(4, 8, 3).toJson()))).isEqualTo(
                "layer 1 (OutputLayer) gives 3 values, but the dataset's 2 label columns need 2");
        assertThat(problem(json(branches(4, 1).toJson()))).isEqualTo(
                "vertex 'out' (OutputLayer) gives 1 values, but the dataset's 2 label columns need 2");
    }

    @Test
    void aNetworkWithoutAnOutputLayerIsRefused() throws Exception {
        MultiLayerConfiguration noHead = new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(2).build())
                .build();
        assertThat(problem(json(noHead.toJson()))).isEqualTo(
                "must end in an output layer with a loss function (e.g. OutputLayer); its last layer is "
                        + "layer 0 (DenseLayer)");
    }

    @Test
    void aGraphWithTwoInputsOrAMissingVertexIsRefused() throws Exception {
        ComputationGraphConfiguration twoInputs = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs("a", "b")
                .addVertex("merged", new MergeVertex(), "a", "b")
                .addLayer("out", new OutputLayer.Builder().nIn(8).nOut(2).build(), "merged")
                .setOutputs("out")
                .build();
        assertThat(problem(json(twoInputs.toJson())))
                .isEqualTo("must have exactly one network input (the dataset's features); it has [a, b]");

        Map<String, Object> dangling = json(branches(4, 2).toJson());
        @SuppressWarnings("unchecked")
        Map<String, List<String>> inputs = (Map<String, List<String>>) dangling.get("vertexInputs");
        inputs.put("merged", List.of("wide", "nowhere"));
        assertThat(problem(dangling)).isEqualTo(
                "vertex 'merged' takes 'nowhere', which is neither a vertex nor a network input");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLayerWithoutAnUpdaterIsRefused() throws Exception {
        Map<String, Object> edited = json(branches(4, 2).toJson());
        Map<String, Object> wide = (Map<String, Object>) ((Map<String, Object>) edited.get("vertices")).get("wide");
        ((Map<String, Object>) ((Map<String, Object>) wide.get("layerConf")).get("layer")).remove("iupdater");
        assertThat(problem(edited)).isEqualTo("vertex 'wide' (DenseLayer) has no updater ('iupdater', e.g. "
                + "{\"@class\": \"org.nd4j.linalg.learning.config.Adam\", \"learningRate\": 0.001})");

        // A stack's layer: DL4J's parser fails on it with a ClassCastException of its legacy format.
        Map<String, Object> stack = json(stack(4, 8, 2).toJson());
        Map<String, Object> output = (Map<String, Object>) ((List<Object>) stack.get("confs")).get(1);
        ((Map<String, Object>) output.get("layer")).remove("iupdater");
        assertThat(problem(stack)).isEqualTo("layer 1 (OutputLayer) has no updater ('iupdater', e.g. "
                + "{\"@class\": \"org.nd4j.linalg.learning.config.Adam\", \"learningRate\": 0.001})");
    }

    private static Dataset arrays(List<Integer> shape) {
        return new Dataset(UUID.randomUUID(), "windows", "file:///d", DatasetFormat.PARQUET, null,
                List.of("rss_window"), shape, List.of("x", "y"), DatasetTask.REGRESSION, null, null);
    }

    @Test
    void anArrayColumnIsASequenceOrAnImageByItsShape() throws Exception {
        DataShape sequence = DataShape.of(arrays(List.of(6, 12)));
        assertThat(sequence.input()).isEqualTo(InputType.recurrent(6, 12));
        assertThat(sequence.exampleShape()).containsExactly(6, 12);
        DataShape image = DataShape.of(arrays(List.of(1, 6, 12)));
        assertThat(image.input()).isEqualTo(InputType.convolutional(6, 12, 1));
        assertThat(image.exampleShape()).containsExactly(1, 6, 12);
        assertThat(DataShape.flat(arrays(List.of(1, 6, 12))).exampleShape()).containsExactly(72);

        MultiLayerConfiguration recurrent = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01)).list()
                .layer(new LastTimeStep(new LSTM.Builder().nOut(8).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(6, 12))
                .build();
        assertThat(NetworkConfiguration.check(FIELD, json(recurrent.toJson()), sequence))
                .isInstanceOf(NetworkConfiguration.MultiLayer.class);
        assertThat(problem(json(recurrent.toJson()), DataShape.of(arrays(List.of(5, 12))))).startsWith(
                "layer 0 (LastTimeStep) has nIn 6, but receives 5 from the dataset's column 'rss_window' of shape "
                        + "[5, 12] (InputTypeRecurrent(5,timeSeriesLength=12");

        MultiLayerConfiguration convolutional = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 12, 1))
                .build();
        assertThat(NetworkConfiguration.check(FIELD, json(convolutional.toJson()), image))
                .isInstanceOf(NetworkConfiguration.MultiLayer.class);
        assertThat(problem(json(convolutional.toJson()), DataShape.of(arrays(List.of(2, 6, 12))))).isEqualTo(
                "layer 0 (ConvolutionLayer) has nIn 1, but receives 2 from the dataset's column 'rss_window' of "
                        + "shape [2, 6, 12] (InputTypeConvolutional(h=6,w=12,c=2,NCHW))");
    }

    @Test
    void jsonThatIsNoDl4jConfigurationSaysWhichItIsNot() throws Exception {
        assertThat(problem(json("{\"layers\": []}"))).isEqualTo("is neither a DL4J MultiLayerConfiguration (no "
                + "'confs') nor a ComputationGraphConfiguration (no 'vertices')");
        assertThat(problem(json("{\"confs\": 3}"))).startsWith("is not a DL4J MultiLayerConfiguration: Cannot "
                + "deserialize value of type `java.util.ArrayList<org.deeplearning4j.nn.conf.NeuralNetConfiguration>`");
        assertThat(problem(json("{\"confs\": []}"))).isEqualTo("has no layers");
    }
}
