package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** Training trains a network over epochs; synthetic-data generation writes a dataset and has no epochs. */
public enum JobType {
    TRAINING, SYNTHETIC_DATA;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static JobType fromWire(String value) {
        return Wire.parse(JobType.class, value, "job type");
    }
}
