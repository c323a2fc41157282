package dev.pausable.trainer.db;

/** An object written completely to the checkpoint store, with what a reader needs to verify it. */
public record StoredCheckpoint(String uri, String sha256, long sizeBytes, int epoch) {
}
