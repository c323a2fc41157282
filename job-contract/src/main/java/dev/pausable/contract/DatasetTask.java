package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the labels of a dataset are: real values (mean squared error) or classes (softmax, one-hot labels). */
public enum DatasetTask {
    REGRESSION, CLASSIFICATION;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static DatasetTask fromWire(String value) {
        return Wire.parse(DatasetTask.class, value, "dataset task");
    }
}
