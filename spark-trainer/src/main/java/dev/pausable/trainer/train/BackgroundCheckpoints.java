package dev.pausable.trainer.train;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Periodic and best checkpoints leave the training loop once encoded: their upload, verification and
 * commit run on one background thread while the next epoch trains, in the order they were taken. A
 * write that fails is owed at the next epoch boundary; any other error (a newer attempt owns the job)
 * ends the attempt at the next boundary. Pauses, final models and exits wait for what is queued.
 */
final class BackgroundCheckpoints implements AutoCloseable {

    /** One queued checkpoint: returns false when its write failed (recorded on the job, owed). */
    @FunctionalInterface
    interface Work {
        boolean run() throws Exception;
    }

    private final ExecutorService uploads = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "checkpoint-upload");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean failed = new AtomicBoolean();
    private Future<?> last;

    void submit(Work work) {
        last = uploads.submit(() -> {
            if (!work.run()) {
                failed.set(true);
            }
            return null;
        });
    }

    /**
     * Whether a queued write failed since the last call (without waiting); rethrows an error that must
     * end the attempt.
     */
    boolean failedSinceLastCheck() throws IOException {
        if (last != null && last.isDone()) {
            rethrow(last);
        }
        return failed.getAndSet(false);
    }

    /** Waits until everything queued is committed (or failed). */
    void drain() throws IOException {
        if (last != null) {
            rethrow(last);
        }
    }

    private static void rethrow(Future<?> work) throws IOException {
        try {
            work.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("Checkpoint upload failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for a checkpoint upload");
        }
    }

    @Override
    public void close() {
        uploads.shutdown();
        try {
            if (!uploads.awaitTermination(5, TimeUnit.MINUTES)) {
                uploads.shutdownNow();
            }
        } catch (InterruptedException e) {
            uploads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
