package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the operator wants; written by the API, read by the trainer after every epoch. */
public enum DesiredState {
    RUNNING, PAUSED, CANCELLED;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static DesiredState fromWire(String value) {
        return Wire.parse(DesiredState.class, value, "desired state");
    }
}
