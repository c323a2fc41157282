package dev.pausable.trainer.checkpoint;

import java.io.IOException;

/** The stored checkpoint is not the one PostgreSQL committed (missing, truncated or altered). */
public class CheckpointMismatchException extends IOException {

    public CheckpointMismatchException(String message) {
        super(message);
    }
}
