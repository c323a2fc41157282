package dev.pausable.trainer.db;

import dev.pausable.contract.CommittedCheckpoint;

/**
 * An object written completely to the checkpoint store: what a reader needs to verify it, and how
 * long writing it took (recorded for operators' metrics).
 */
public record StoredCheckpoint(CommittedCheckpoint committed, long writeMillis) {

    public String uri() {
        return committed.uri();
    }

    /** The same checkpoint with the time of the whole write (encoding included). */
    public StoredCheckpoint took(long millis) {
        return new StoredCheckpoint(committed, millis);
    }
}
