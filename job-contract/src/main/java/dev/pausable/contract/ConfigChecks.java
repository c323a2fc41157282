package dev.pausable.contract;

/** Range checks shared by the job configs; field names are reported under {@code config.}. */
final class ConfigChecks {

    private ConfigChecks() {
    }

    static FieldException invalid(String field, String problem) {
        return new FieldException("config." + field, problem);
    }

    static <T> T require(String field, T value) {
        if (value == null) {
            throw invalid(field, "is required");
        }
        return value;
    }

    static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }

    static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(field, "must be between " + min + " and " + max);
        }
        return value;
    }

    static double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(field, "must be a finite number greater than 0");
        }
        return value;
    }

    static double range(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw invalid(field, "must be between " + min + " and " + max);
        }
        return value;
    }
}
