package dev.pausable.controlplane.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * LISTENs on the schema's notification channel over one dedicated connection and relays every
 * payload (already shaped as a WebSocket message by the trigger) to the WebSocket clients. The
 * connection is re-established after PostgreSQL restarts; no polling of tables anywhere.
 */
@Component
class PgNotificationRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PgNotificationRelay.class);

    private final DataSource dataSource;
    private final JobEventsWebSocket clients;
    private final EventsProperties properties;
    private final ApplicationEventPublisher events;
    private volatile boolean running;
    private volatile boolean listening;
    private Thread thread;

    PgNotificationRelay(DataSource dataSource, JobEventsWebSocket clients, EventsProperties properties,
                        ApplicationEventPublisher events) {
        this.dataSource = dataSource;
        this.clients = clients;
        this.properties = properties;
        this.events = events;
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::relayUntilStopped, "pg-notify-relay");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** In-process listeners (metrics) see what WebSocket clients see; their failures never stop the relay. */
    private void publish(String json) {
        try {
            events.publishEvent(new TrainingEvent(json));
        } catch (RuntimeException e) {
            log.warn("A listener failed on {}: {}", json, e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** True while a LISTEN is in place (for health checks and tests). */
    boolean isListening() {
        return listening;
    }

    private void relayUntilStopped() {
        while (running) {
            try (Connection connection = dataSource.getConnection()) {
                PGConnection pg = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + properties.channel());
                }
                listening = true;
                log.info("Listening for job events on channel '{}'", properties.channel());
                int timeoutMillis = (int) properties.pollInterval().toMillis();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(timeoutMillis);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            clients.broadcast(notification.getParameter());
                            publish(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Lost the job-event LISTEN connection; reconnecting in {}", properties.reconnectDelay(), e);
                }
            } finally {
                listening = false;
            }
            if (running) {
                try {
                    Thread.sleep(properties.reconnectDelay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
