package dev.pausable.controlplane.launch;

import dev.pausable.controlplane.web.InvalidFieldException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Checks a job's own Spark settings ({@code spark_conf} of a create request) when the job is
 * created, so a setting outside the allowlist ({@link SparkAllowlist}), a denied or a malformed one is
 * a 400 naming it, never a setting silently dropped at submission time. The accepted map is stored with the job and reused by every resume.
 */
@Component
public class SparkOverrides {

    static final int MAX_SETTINGS = 64;
    static final int MAX_VALUE_LENGTH = 4096;
    private static final Pattern KEY = Pattern.compile("spark\\.[A-Za-z0-9_.\\-]+");

    private final SparkProperties spark;
    private final SparkAllowlist allowlist;

    SparkOverrides(SparkProperties spark) {
        this.spark = spark;
        this.allowlist = new SparkAllowlist(spark.allowed());
    }

    public Map<String, String> validate(JsonNode raw) {
        if (raw == null || raw.isNull()) {
            return Map.of();
        }
        if (!raw.isObject()) {
            throw new InvalidFieldException("spark_conf", "must be a JSON object of Spark settings");
        }
        if (raw.size() > MAX_SETTINGS) {
            throw new InvalidFieldException("spark_conf", "may name at most " + MAX_SETTINGS + " settings");
        }
        Map<String, String> accepted = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : raw.properties()) {
            String key = entry.getKey();
            String field = "spark_conf." + key;
            if (!KEY.matcher(key).matches()) {
                throw new InvalidFieldException(field, "is not a Spark setting (keys look like 'spark.executor.memory')");
            }
            if (!allowlist.allows(key) || SubmitCommand.isDenied(key, spark)) {
                throw new InvalidFieldException(field, "cannot be overridden by a job");
            }
            JsonNode value = entry.getValue();
            if (!value.isString()) {
                throw new InvalidFieldException(field, "must be a string");
            }
            if (value.asString().length() > MAX_VALUE_LENGTH) {
                throw new InvalidFieldException(field, "must be at most " + MAX_VALUE_LENGTH + " characters");
            }
            accepted.put(key, value.asString());
        }
        return accepted;
    }
}
