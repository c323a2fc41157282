package dev.pausable.controlplane.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * A pass run at a fixed delay on its own daemon thread while the application runs (when enabled); a
 * failed pass is logged and the next one runs as planned. A task given a {@link Leadership} runs its
 * passes only while this control plane leads.
 */
public abstract class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);

    private final String name;
    private final Leadership leadership;
    private final AtomicBoolean passAsked = new AtomicBoolean();
    private ScheduledExecutorService schedule;

    protected PeriodicTask(String name) {
        this(name, null);
    }

    protected PeriodicTask(String name, Leadership leadership) {
        this.name = name;
        this.leadership = leadership;
    }

    /** Whether the task runs at all (by default it does). */
    protected boolean enabled() {
        return true;
    }

    /** The wait before the first pass (by default none). */
    protected Duration firstDelay() {
        return Duration.ZERO;
    }

    /** The wait between the end of one pass and the start of the next. */
    protected abstract Duration interval();

    protected abstract void pass();

    @Override
    public synchronized void start() {
        if (!enabled() || schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(name));
        schedule.scheduleWithFixedDelay(this::runOnce, firstDelay().toMillis(), interval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * A pass now, on the task's thread, besides the scheduled ones; asks made before it starts share it.
     * Ignored while the task is not running.
     */
    protected void runSoon() {
        ScheduledExecutorService current;
        synchronized (this) {
            current = schedule;
        }
        if (current != null && passAsked.compareAndSet(false, true)) {
            current.execute(() -> {
                passAsked.set(false);
                runOnce();
            });
        }
    }

    private void runOnce() {
        if (leadership != null && !leadership.isLeader()) {
            return;
        }
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("{} pass failed (next in {}): {}", name, interval(), e.toString(), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (schedule != null) {
            schedule.shutdownNow();
            schedule = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return schedule != null;
    }
}
