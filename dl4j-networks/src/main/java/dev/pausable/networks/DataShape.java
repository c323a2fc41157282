package dev.pausable.networks;

import dev.pausable.contract.Dataset;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * What a network gets from a dataset and must give back: one input (the feature columns, or the one
 * array column in its shape) and one feed-forward output of one value per label column.
 *
 * @param input   the network's input, as DL4J's shape propagation describes it
 * @param outputs values per example the output layer must give
 * @param inputs  the input in the dataset's words, for messages
 * @param labels  the labels in the dataset's words, for messages
 */
public record DataShape(InputType input, int outputs, String inputs, String labels) {

    /**
     * The dataset as a network of its own sees it: scalar columns or a {@code [n]} array feed-forward,
     * {@code [features, time]} recurrent, {@code [channels, height, width]} convolutional.
     */
    public static DataShape of(Dataset dataset) {
        List<Integer> shape = dataset.featureShape();
        if (shape == null) {
            int features = dataset.featureColumns().size();
            return new DataShape(InputType.feedForward(features), dataset.labelColumns().size(),
                    "the dataset's " + count(features, "feature column"), labels(dataset));
        }
        InputType input = switch (shape.size()) {
            case 1 -> InputType.feedForward(shape.get(0));
            case 2 -> InputType.recurrent(shape.get(0), shape.get(1));
            default -> InputType.convolutional(shape.get(1), shape.get(2), shape.get(0));
        };
        return new DataShape(input, dataset.labelColumns().size(), "the dataset's column '"
                + dataset.featureColumns().get(0) + "' of shape " + shape, labels(dataset));
    }

    /** The dataset as the built-in network sees it: every feature value side by side. */
    public static DataShape flat(Dataset dataset) {
        return new DataShape(InputType.feedForward(dataset.featureCount()), dataset.labelColumns().size(),
                "the dataset's " + count(dataset.featureCount(), "feature value"), labels(dataset));
    }

    /** One example's features as the network takes them (a minibatch adds the leading dimension). */
    public long[] exampleShape() {
        if (input instanceof InputType.InputTypeRecurrent recurrent) {
            return new long[] {recurrent.getSize(), recurrent.getTimeSeriesLength()};
        }
        if (input instanceof InputType.InputTypeConvolutional convolutional) {
            return new long[] {convolutional.getChannels(), convolutional.getHeight(), convolutional.getWidth()};
        }
        return new long[] {input.arrayElementsPerExample()};
    }

    private static String labels(Dataset dataset) {
        return "the dataset's " + count(dataset.labelColumns().size(), "label column");
    }

    private static String count(int n, String thing) {
        return n + " " + thing + (n == 1 ? "" : "s");
    }
}
