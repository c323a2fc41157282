package dev.pausable.contract;

/**
 * A field the contract refuses: missing, out of range, or of an unknown kind. Names the
 * field as the API reports it (e.g. {@code config.epochs}); the control plane answers 400 with it,
 * the trainer fails the attempt with it.
 */
public class FieldException extends IllegalArgumentException {

    private final String field;
    private final String problem;

    public FieldException(String field, String problem) {
        super("Field '" + field + "' " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }
}
