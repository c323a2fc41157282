package dev.pausable.contract;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a requested pause takes effect: the seed's epoch boundary, or the next averaging-round
 * boundary (within one round of the request).
 */
public enum PauseAt {
    EPOCH, ROUND;

    @JsonValue
    public String wire() {
        return Wire.of(this);
    }

    public static PauseAt fromWire(String value) {
        return Wire.parse(PauseAt.class, value, "pause boundary");
    }
}
