package dev.pausable.controlplane.web;

import java.util.Map;
import org.springframework.http.HttpStatus;

/** A request field that is unknown, of the wrong type or out of range; names the field. */
public class InvalidFieldException extends ApiException {

    private final String field;

    public InvalidFieldException(String field, String problem) {
        super(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid request field",
                "Field '" + field + "' " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }

    @Override
    protected Map<String, Object> properties() {
        return Map.of("field", field);
    }
}
