package dev.pausable.controlplane.web;

import dev.pausable.contract.FieldException;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;

/** A request field that is unknown, of the wrong type or out of range; names the field. */
public class InvalidFieldException extends ApiException {

    private final String field;

    public InvalidFieldException(String field, String problem) {
        super(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid request field",
                "Field '" + field + "' " + problem);
        this.field = field;
    }

    /** Runs a contract check; a field it refuses becomes this exception (400 naming the field). */
    public static <T> T checking(Supplier<T> check) {
        try {
            return check.get();
        } catch (FieldException e) {
            throw new InvalidFieldException(e.field(), e.problem());
        }
    }

    public String field() {
        return field;
    }

    @Override
    protected Map<String, Object> properties() {
        return Map.of("field", field);
    }
}
