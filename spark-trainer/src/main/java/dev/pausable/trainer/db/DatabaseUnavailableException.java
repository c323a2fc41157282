package dev.pausable.trainer.db;

/** PostgreSQL stayed unreachable past the retry deadline: a transient failure, worth a restart. */
public class DatabaseUnavailableException extends IllegalStateException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
