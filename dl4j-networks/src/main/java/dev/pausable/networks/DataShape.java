package dev.pausable.networks;

import dev.pausable.contract.Dataset;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * What a network gets from a dataset and must give back: one input (the feature columns) and one
 * feed-forward output of one value per label column.
 *
 * @param input   the network's input, as DL4J's shape propagation describes it
 * @param outputs values per example the output layer must give
 * @param inputs  the input in the dataset's words, for messages
 * @param labels  the labels in the dataset's words, for messages
 */
public record DataShape(InputType input, int outputs, String inputs, String labels) {

    public static DataShape of(Dataset dataset) {
        int features = dataset.featureColumns().size();
        int labels = dataset.labelColumns().size();
        return new DataShape(InputType.feedForward(features), labels,
                "the dataset's " + features + " feature column" + (features == 1 ? "" : "s"),
                "the dataset's " + labels + " label column" + (labels == 1 ? "" : "s"));
    }
}
