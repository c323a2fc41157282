package dev.pausable.trainer.train;

/** How one driver run ended; each is recorded in PostgreSQL before the driver exits. */
public sealed interface Outcome {

    record Completed(int epoch, String modelUri, boolean earlyStopped) implements Outcome {
    }

    record Paused(int epoch, String checkpointUri) implements Outcome {
    }

    /**
     * Preempted: {@code round} rounds into the epoch after {@code epoch}, the job was handed to the next
     * attempt; {@code checkpointUri} is the checkpoint it resumes from (null when none could be written:
     * it resumes from the latest committed one).
     */
    record Preempted(int epoch, int round, String checkpointUri) implements Outcome {
    }

    record Cancelled(int epoch) implements Outcome {
    }

    record Generated(String datasetUri, long rows) implements Outcome {
    }
}
