package dev.pausable.trainer.db;

/**
 * A fenced write matched no row: a newer attempt owns the job (or an operator moved it on).
 * The driver must stop without writing anything else.
 */
public class StaleAttemptException extends RuntimeException {

    public StaleAttemptException(String message) {
        super(message);
    }
}
