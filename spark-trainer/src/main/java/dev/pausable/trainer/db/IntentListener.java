package dev.pausable.trainer.db;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears at once when an operator asks this job to pause or cancel: a connection of its own LISTENs to
 * the job changes the database announces ({@code training_events}) and raises a flag when this job's
 * desired state or pause boundary changes. The training loop reads the flag after every round (one
 * volatile read) and reads the intent from the table when it is up, so a pause at a round waits for
 * the current round, not for the next timed round report. If the connection breaks, the timed reports
 * still read the intent; the listener reconnects by itself.
 */
final class IntentListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IntentListener.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CHANNEL = "training_events";

    private final Database db;
    private final String jobId;
    private final AtomicBoolean changed = new AtomicBoolean();
    private final AtomicInteger heard = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Connection connection;
    private volatile boolean listening;
    /** The last (desired_state, pause_at) heard for this job: only a change raises the flag. */
    private String lastIntent;

    private IntentListener(Database db, UUID jobId) {
        this.db = db;
        this.jobId = jobId.toString();
        this.thread = new Thread(this::listen, "intent-listener");
        this.thread.setDaemon(true);
    }

    static IntentListener start(Database db, UUID jobId) {
        IntentListener listener = new IntentListener(db, jobId);
        listener.thread.start();
        return listener;
    }

    /** True once after this job's intent changed (and cleared by asking). */
    boolean changed() {
        return changed.getAndSet(false);
    }

    private void listen() {
        long backoffMillis = 500;
        while (!closed) {
            try (Connection c = db.openDedicated("pausable-trainer-intents")) {
                connection = c;
                try (Statement listen = c.createStatement()) {
                    listen.execute("LISTEN " + CHANNEL);
                }
                listening = true;
                backoffMillis = 500;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(10_000);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            hear(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                listening = false;
                if (closed) {
                    return;
                }
                log.warn("Not listening for intents of job {} ({}); timed reports still read them; retrying in {} ms",
                        jobId, e.getMessage(), backoffMillis);
                sleep(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, 10_000);
            }
        }
    }

    /** Whether the LISTEN is in place (changes committed from now on are heard). */
    boolean listening() {
        return listening;
    }

    /** How many changes of this job's intent were heard so far. */
    int heard() {
        return heard.get();
    }

    private void hear(String payload) {
        try {
            JsonNode data = JSON.readTree(payload).path("data");
            if (!jobId.equals(data.path("job_id").asText())) {
                return;
            }
            String intent = data.path("desired_state").asText() + "/" + data.path("pause_at").asText();
            if (!Objects.equals(intent, lastIntent)) {
                lastIntent = intent;
                heard.incrementAndGet();
                changed.set(true);
            }
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("Ignored a notification that is not a job change: {}", e.toString());
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c = connection;
        if (c != null) {
            try {
                // Unblocks getNotifications.
                c.close();
            } catch (SQLException ignored) {
                // Already broken.
            }
        }
        thread.interrupt();
    }
}
