package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a checkpoint was written; stored in {@code checkpoints.kind}. */
public enum CheckpointKind {
    PAUSE, PERIODIC, BEST, FINAL;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static CheckpointKind fromWire(String value) {
        return Wire.parse(CheckpointKind.class, value, "checkpoint kind");
    }
}
