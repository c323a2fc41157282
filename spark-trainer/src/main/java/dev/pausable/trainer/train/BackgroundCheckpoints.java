package dev.pausable.trainer.train;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Periodic and best checkpoints leave the training loop once encoded: their upload, verification and
 * commit run on one background thread while the next epoch trains, in the order they were taken. While
 * the store is slow or down, at most one encoded checkpoint per kind waits behind the upload in flight:
 * a newer one of the same kind replaces it (memory stays bounded by the kinds, however long the outage).
 * A write that fails is owed at the next epoch boundary; any other error (a newer attempt owns the job)
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
    /** Checkpoints not yet started, oldest first, one per kind; one scheduled upload task for each. */
    private final Map<Object, Work> waiting = new LinkedHashMap<>();
    private final AtomicBoolean failed = new AtomicBoolean();
    private final AtomicReference<Exception> error = new AtomicReference<>();
    private Future<?> last;

    /**
     * Queues a checkpoint of {@code kind}; returns true when it replaced one of that kind still waiting
     * (that older one is never written).
     */
    synchronized boolean submit(Object kind, Work work) {
        boolean replaced = waiting.remove(kind) != null;
        waiting.put(kind, work);
        if (!replaced) {
            last = uploads.submit(this::uploadNext);
        }
        return replaced;
    }

    private void uploadNext() {
        Work next;
        synchronized (this) {
            Iterator<Work> oldest = waiting.values().iterator();
            next = oldest.next();
            oldest.remove();
        }
        try {
            if (!next.run()) {
                failed.set(true);
            }
        } catch (Exception e) {
            error.compareAndSet(null, e);
        }
    }

    /**
     * Whether a queued write failed since the last call (without waiting); rethrows an error that must
     * end the attempt.
     */
    boolean failedSinceLastCheck() throws IOException {
        rethrowError();
        return failed.getAndSet(false);
    }

    /** Waits until everything queued is committed (or failed). */
    void drain() throws IOException {
        Future<?> pending;
        synchronized (this) {
            pending = last;
        }
        if (pending != null) {
            try {
                pending.get();
            } catch (ExecutionException e) {
                error.compareAndSet(null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for a checkpoint upload");
            }
        }
        rethrowError();
    }

    private void rethrowError() throws IOException {
        Exception e = error.get();
        if (e == null) {
            return;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new IOException("Checkpoint upload failed", e);
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
