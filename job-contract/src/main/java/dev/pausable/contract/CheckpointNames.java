package dev.pausable.contract;

import java.util.UUID;

/**
 * Where checkpoint objects live: {@code <checkpoint-root>/<job-id>/<name>}, one name per kind, never
 * overwritten in place (the attempt is part of every name).
 */
public final class CheckpointNames {

    private CheckpointNames() {
    }

    public static String uri(String root, UUID jobId, String name) {
        return (root.endsWith("/") ? root.substring(0, root.length() - 1) : root) + "/" + jobId + "/" + name;
    }

    public static String name(CheckpointKind kind, int epoch, int attempt) {
        return name(kind, epoch, 0, attempt);
    }

    /** A checkpoint within an epoch also names its round: {@code epoch-0002-round-00120-attempt-1.zip}. */
    public static String name(CheckpointKind kind, int epoch, int round, int attempt) {
        if (round > 0 && kind != CheckpointKind.FINAL) {
            String prefix = kind == CheckpointKind.PAUSE ? "" : kind.wire() + "-";
            return String.format("%sepoch-%04d-round-%05d-attempt-%d.zip", prefix, epoch, round, attempt);
        }
        return switch (kind) {
            case PAUSE -> String.format("epoch-%04d-attempt-%d.zip", epoch, attempt);
            case PERIODIC -> String.format("periodic-epoch-%04d-attempt-%d.zip", epoch, attempt);
            case BEST -> String.format("best-epoch-%04d-attempt-%d.zip", epoch, attempt);
            case FINAL -> String.format("model-final-attempt-%d.zip", attempt);
        };
    }
}
