package dev.pausable.networks;

import dev.pausable.contract.FieldException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.shade.jackson.core.JsonProcessingException;

/**
 * A job's DL4J network configuration, parsed by DL4J and checked against the dataset it will train on:
 * every layer's {@code nIn} matches what reaches it (the dataset's features first), the network ends in
 * an output layer with a loss function, and that layer gives one value per label column. Shapes are
 * worked out as DL4J does ({@code InputType} through preprocessors and layers) without building the
 * network, so no ND4J backend is needed. Any problem is a {@link FieldException} naming the field the
 * configuration came from and the layer at fault.
 */
public sealed interface NetworkConfiguration {

    /** A {@code MultiLayerConfiguration}: a stack of layers. */
    record MultiLayer(MultiLayerConfiguration configuration) implements NetworkConfiguration {

        @Override
        public String toJson() {
            return configuration.toJson();
        }
    }

    /** A {@code ComputationGraphConfiguration} with one input and one output. */
    record Graph(ComputationGraphConfiguration configuration) implements NetworkConfiguration {

        @Override
        public String toJson() {
            return configuration.toJson();
        }
    }

    /** DL4J's own JSON of the configuration, every default written out. */
    String toJson();

    /** {@link #toJson()} as the JSON object a job's config stores. */
    default Map<String, Object> canonical() {
        try {
            return Json.MAPPER.readValue(toJson(), Json.OBJECT);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("DL4J wrote JSON it cannot read back", e);
        }
    }

    /**
     * Parses {@code configuration} (the JSON object of {@code MultiLayerConfiguration.toJson()} or
     * {@code ComputationGraphConfiguration.toJson()}) and checks it against {@code shape}; problems name
     * {@code field}.
     */
    static NetworkConfiguration check(String field, Map<String, Object> configuration, DataShape shape) {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(configuration);
        } catch (JsonProcessingException e) {
            throw new FieldException(field, "cannot be written as JSON: " + Json.reason(e));
        }
        if (configuration.containsKey("vertices")) {
            ComputationGraphConfiguration graph;
            try {
                graph = ComputationGraphConfiguration.fromJson(json);
            } catch (RuntimeException e) {
                throw new FieldException(field, "is not a DL4J ComputationGraphConfiguration: " + Json.reason(e));
            }
            Shapes.graph(field, graph, shape);
            return new Graph(graph);
        }
        if (configuration.containsKey("confs")) {
            MultiLayerConfiguration layers;
            try {
                layers = MultiLayerConfiguration.fromJson(json);
            } catch (RuntimeException e) {
                throw new FieldException(field, layerWithoutUpdater(configuration)
                        .orElse("is not a DL4J MultiLayerConfiguration: " + Json.reason(e)));
            }
            Shapes.multiLayer(field, layers, shape);
            return new MultiLayer(layers);
        }
        throw new FieldException(field, "is neither a DL4J MultiLayerConfiguration (no 'confs') nor a "
                + "ComputationGraphConfiguration (no 'vertices')");
    }

    /**
     * A stack's first trained layer without an updater, if it has one. DL4J's own builders always write one;
     * without it, {@code MultiLayerConfiguration.fromJson} takes the layer for its legacy format and fails
     * with a ClassCastException that says nothing of the layer. Looked for only once DL4J refused the JSON,
     * so that nothing DL4J reads is refused here.
     */
    private static Optional<String> layerWithoutUpdater(Map<String, Object> configuration) {
        if (!(configuration.get("confs") instanceof List<?> confs)) {
            return Optional.empty();
        }
        for (int i = 0; i < confs.size(); i++) {
            if (confs.get(i) instanceof Map<?, ?> conf && conf.get("layer") instanceof Map<?, ?> layer) {
                Map<?, ?> trained = layer.get("underlying") instanceof Map<?, ?> wrapped ? wrapped : layer;
                if (isTrained(trained.get("@class")) && trained.get("iupdater") == null) {
                    return Optional.of(Shapes.noUpdater("layer " + i + " (" + simpleName(layer.get("@class")) + ")"));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isTrained(Object className) {
        try {
            return className instanceof String name && BaseLayer.class.isAssignableFrom(Class.forName(name, false,
                    NetworkConfiguration.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String simpleName(Object className) {
        String name = String.valueOf(className);
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
