package dev.pausable.controlplane.job;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum JobType {
    TRAINING, SYNTHETIC_DATA;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobType fromWire(String value) {
        for (JobType type : values()) {
            if (type.wire().equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown job type '" + value + "'");
    }
}
