package dev.pausable.networks;

import dev.pausable.contract.FieldException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/** Shape propagation through a configuration, checking each layer on the way. */
final class Shapes {

    private Shapes() {
    }

    static void multiLayer(String field, MultiLayerConfiguration configuration, DataShape shape) {
        int count = configuration.getConfs().size();
        if (count == 0) {
            throw new FieldException(field, "has no layers");
        }
        InputType type = shape.input();
        String from = shape.inputs();
        Layer layer = null;
        String name = null;
        for (int i = 0; i < count; i++) {
            layer = configuration.getConf(i).getLayer();
            name = "layer " + i + " (" + layer.getClass().getSimpleName() + ")";
            type = through(field, name, layer, configuration.getInputPreProcess(i), i, type, from);
            from = "the output of " + name;
        }
        requireOutput(field, name, layer, type, shape);
    }

    static void graph(String field, ComputationGraphConfiguration configuration, DataShape shape) {
        List<String> inputs = configuration.getNetworkInputs();
        List<String> outputs = configuration.getNetworkOutputs();
        if (inputs == null || inputs.size() != 1) {
            throw new FieldException(field, "must have exactly one network input (the dataset's features); it has "
                    + inputs);
        }
        if (outputs == null || outputs.size() != 1) {
            throw new FieldException(field, "must have exactly one network output (the dataset's labels); it has "
                    + outputs);
        }
        Map<String, InputType> types = new HashMap<>();
        types.put(inputs.get(0), shape.input());
        int layerIndex = -1;
        for (String vertex : topologicalOrder(field, configuration)) {
            if (types.containsKey(vertex)) {
                continue;
            }
            GraphVertex graphVertex = configuration.getVertices().get(vertex);
            List<String> in = configuration.getVertexInputs().get(vertex);
            InputType[] given = in.stream().map(types::get).toArray(InputType[]::new);
            String name = "vertex '" + vertex + "'";
            if (graphVertex instanceof LayerVertex layerVertex) {
                layerIndex++;
                Layer layer = layerVertex.getLayerConf().getLayer();
                name += " (" + layer.getClass().getSimpleName() + ")";
                if (given.length != 1) {
                    throw new FieldException(field, name + " has " + given.length + " inputs " + in
                            + "; a layer takes one (merge them with a MergeVertex)");
                }
                String from = in.get(0).equals(inputs.get(0)) ? shape.inputs() : "the output of vertex '"
                        + in.get(0) + "'";
                types.put(vertex, through(field, name, layer, layerVertex.getPreProcessor(), layerIndex, given[0],
                        from));
            } else {
                try {
                    types.put(vertex, graphVertex.getOutputType(layerIndex, given));
                } catch (RuntimeException e) {
                    throw new FieldException(field, name + " (" + graphVertex.getClass().getSimpleName()
                            + ") cannot take its inputs " + in + ": " + Json.reason(e));
                }
            }
        }
        String output = outputs.get(0);
        if (!(configuration.getVertices().get(output) instanceof LayerVertex outputVertex)) {
            throw new FieldException(field, "its output vertex '" + output + "' is not an output layer with a loss "
                    + "function (e.g. OutputLayer)");
        }
        Layer layer = outputVertex.getLayerConf().getLayer();
        requireOutput(field, "vertex '" + output + "' (" + layer.getClass().getSimpleName() + ")", layer,
                types.get(output), shape);
    }

    /**
     * The type a layer gives for {@code type} (after its preprocessor), once its {@code nIn} is found to be
     * what {@code type} carries: DL4J's own rule for the layer ({@code setNIn} on a copy) says what it
     * should be.
     */
    private static InputType through(String field, String name, Layer layer, InputPreProcessor preprocessor,
                                     int index, InputType type, String from) {
        InputType input = type;
        try {
            // A wrapper (LastTimeStep, say) hands its input to the layer it wraps.
            Layer taking = layer instanceof BaseWrapperLayer wrapper ? wrapper.getUnderlying() : layer;
            if (taking instanceof BaseLayer trained && trained.getIUpdater() == null) {
                // DL4J's builders always write one; a hand-written configuration may not, and DL4J would
                // fail only when the first minibatch is fitted.
                throw new FieldException(field, noUpdater(name));
            }
            if (preprocessor != null) {
                input = preprocessor.getOutputType(input);
            }
            if (taking instanceof FeedForwardLayer feedForward) {
                FeedForwardLayer copy = (FeedForwardLayer) feedForward.clone();
                copy.setNIn(input, true);
                if (feedForward.getNIn() != copy.getNIn()) {
                    throw new FieldException(field, name + " has nIn " + feedForward.getNIn() + ", but receives "
                            + copy.getNIn() + " from " + from + " (" + input + ")");
                }
            }
            return layer.getOutputType(index, input);
        } catch (FieldException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FieldException(field, name + " cannot take " + from + " (" + input + "): " + Json.reason(e));
        }
    }

    /** The problem of a trained layer without an updater, {@code name} naming the layer. */
    static String noUpdater(String name) {
        return name + " has no updater ('iupdater', e.g. {\"@class\": \"org.nd4j.linalg.learning.config.Adam\", "
                + "\"learningRate\": 0.001})";
    }

    private static void requireOutput(String field, String name, Layer layer, InputType type, DataShape shape) {
        ILossFunction loss = layer instanceof BaseOutputLayer output ? output.getLossFn()
                : layer instanceof LossLayer lossLayer ? lossLayer.getLossFn() : null;
        if (loss == null) {
            throw new FieldException(field, "must end in an output layer with a loss function (e.g. OutputLayer); "
                    + "its last layer is " + name);
        }
        if (type.getType() != InputType.Type.FF) {
            throw new FieldException(field, name + " gives " + type + ", but the labels are one value per label "
                    + "column and row: end the network in a feed-forward output (e.g. LastTimeStep or "
                    + "GlobalPoolingLayer before an OutputLayer)");
        }
        if (type.arrayElementsPerExample() != shape.outputs()) {
            throw new FieldException(field, name + " gives " + type.arrayElementsPerExample() + " values, but "
                    + shape.labels() + " need " + shape.outputs());
        }
    }

    /** Vertices in an order where each comes after its inputs (Kahn); a cycle or unknown input is refused. */
    private static List<String> topologicalOrder(String field, ComputationGraphConfiguration configuration) {
        Map<String, List<String>> inputsOf = new LinkedHashMap<>();
        configuration.getNetworkInputs().forEach(input -> inputsOf.put(input, List.of()));
        configuration.getVertices().keySet().forEach(vertex -> inputsOf.put(vertex,
                configuration.getVertexInputs().getOrDefault(vertex, List.of())));
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> consumers = new HashMap<>();
        inputsOf.forEach((vertex, in) -> {
            for (String input : in) {
                if (!inputsOf.containsKey(input)) {
                    throw new FieldException(field, "vertex '" + vertex + "' takes '" + input
                            + "', which is neither a vertex nor a network input");
                }
                consumers.computeIfAbsent(input, k -> new ArrayList<>()).add(vertex);
            }
            waiting.put(vertex, in.size());
        });
        Deque<String> ready = new ArrayDeque<>();
        inputsOf.keySet().stream().filter(vertex -> waiting.get(vertex) == 0).forEach(ready::add);
        List<String> order = new ArrayList<>(inputsOf.size());
        while (!ready.isEmpty()) {
            String vertex = ready.poll();
            order.add(vertex);
            for (String consumer : consumers.getOrDefault(vertex, List.of())) {
                if (waiting.merge(consumer, -1, Integer::sum) == 0) {
                    ready.add(consumer);
                }
            }
        }
        if (order.size() != inputsOf.size()) {
            throw new FieldException(field, "has a cycle among its vertices");
        }
        return order;
    }
}
