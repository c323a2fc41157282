package dev.pausable.trainer.data;

import java.io.Serializable;

/** One row of a dataset: its stable id, features and labels. */
public record Example(long id, double[] features, double[] labels) implements Serializable {
}
