package dev.pausable.controlplane.job;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What the operator wants; written by the API, read by the trainer after every epoch. */
public enum DesiredState {
    RUNNING, PAUSED, CANCELLED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DesiredState fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
