package dev.pausable.controlplane.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.JsonFieldErrors;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

/**
 * Binds a job's {@code config} object strictly: unknown fields, strings for numbers and
 * fractions for integers are errors that name the field, never silent coercions.
 */
@Component
class JobConfigs {

    private final JsonMapper strict = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    <T> T bind(JsonNode config, Class<T> type) {
        if (config == null || config.isNull()) {
            throw new InvalidFieldException("config", "is required");
        }
        if (!config.isObject()) {
            throw new InvalidFieldException("config", "must be a JSON object");
        }
        try {
            return strict.treeToValue(config, type);
        } catch (JacksonException e) {
            InvalidFieldException described = JsonFieldErrors.describe(e, "config");
            throw described != null ? described : new InvalidFieldException("config", "has an invalid value");
        }
    }

    /** A stored config (written by {@link #write}) as its contract type. */
    <T> T read(String stored, Class<T> type) {
        return strict.readValue(stored, type);
    }

    String write(Object config) {
        return strict.writeValueAsString(config);
    }
}
