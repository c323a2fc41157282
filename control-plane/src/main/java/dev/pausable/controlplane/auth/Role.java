package dev.pausable.controlplane.auth;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a principal may do. Each role includes the ones before it: a viewer reads; an operator also
 * creates jobs and datasets and pauses, resumes and cancels its own jobs; an admin does everything,
 * on every job, and manages tokens.
 */
public enum Role {
    VIEWER, OPERATOR, ADMIN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority of exactly this role (the hierarchy adds the lower ones). */
    public String authority() {
        return "ROLE_" + name();
    }

    public static Role fromWire(String value) {
        return find(value).orElseThrow(() -> new IllegalArgumentException("unknown role '" + value + "'"));
    }

    public static Optional<Role> find(String value) {
        return Arrays.stream(values()).filter(r -> r.wire().equals(value)).findFirst();
    }
}
