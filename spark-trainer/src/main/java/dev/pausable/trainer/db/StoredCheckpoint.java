package dev.pausable.trainer.db;

/**
 * An object written completely to the checkpoint store, with what a reader needs to verify it.
 *
 * @param writeMillis how long writing it took (recorded for operators' metrics)
 */
public record StoredCheckpoint(String uri, String sha256, long sizeBytes, int epoch, long writeMillis) {

    /** The same checkpoint with the time of the whole write (encoding included). */
    public StoredCheckpoint took(long millis) {
        return new StoredCheckpoint(uri, sha256, sizeBytes, epoch, millis);
    }
}
