package dev.pausable.trainer.db;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the job's heartbeat on its own daemon thread while the driver works, so a long epoch is
 * not mistaken for a dead driver. A failed beat is only logged: the missing heartbeat is the signal,
 * and the control plane's reconciler also asks Spark before it fails anything.
 */
public final class Heartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService timer;

    private Heartbeat(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static Heartbeat start(JobStore store, Duration period) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                store.heartbeat();
            } catch (RuntimeException e) {
                log.warn("Heartbeat of job {} not written: {}", store.jobId(), e.toString());
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return new Heartbeat(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
