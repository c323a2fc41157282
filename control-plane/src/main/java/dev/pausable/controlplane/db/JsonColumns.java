package dev.pausable.controlplane.db;

import dev.pausable.contract.Rows;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** The shared tables' JSON columns, decoded with the control plane's Jackson for {@link Rows}. */
@Component
public class JsonColumns implements Rows.JsonColumns {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JsonMapper json;

    JsonColumns(JsonMapper json) {
        this.json = json;
    }

    @Override
    public Map<String, String> stringMap(String text) {
        return json.readValue(text, STRING_MAP);
    }

    @Override
    public List<String> stringList(String text) {
        return json.readValue(text, STRINGS);
    }

    public String write(Object value) {
        return json.writeValueAsString(value);
    }
}
