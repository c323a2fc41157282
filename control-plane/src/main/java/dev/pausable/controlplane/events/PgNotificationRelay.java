package dev.pausable.controlplane.events;

import dev.pausable.contract.ChangeEvent;
import dev.pausable.contract.JobAction;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * LISTENs on the schema's notification channel over one dedicated connection and relays every
 * payload (already shaped as a WebSocket message by the trigger) to the WebSocket clients, adding to
 * each job update the actions offered in its new state. The connection is re-established after
 * PostgreSQL restarts; no polling of tables anywhere.
 */
@Component
class PgNotificationRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PgNotificationRelay.class);

    private final DataSource dataSource;
    private final JobEventsWebSocket clients;
    private final EventsProperties properties;
    private final ApplicationEventPublisher events;
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile boolean running;
    private volatile boolean listening;
    private final AtomicLong probes = new AtomicLong();
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

    /** WebSocket clients and in-process listeners (metrics) see the same message; failures never stop the relay. */
    private void relay(String payload) {
        TrainingEvent event;
        try {
            event = decorated(payload);
        } catch (RuntimeException e) {
            log.warn("Unreadable job event {}: {}", payload, e.toString());
            return;
        }
        clients.broadcast(event.json());
        try {
            events.publishEvent(event);
        } catch (RuntimeException e) {
            log.warn("A listener failed on {}: {}", event.json(), e.toString());
        }
    }

    /** Adds {@code data.actions} to job updates, so clients never derive them from the status themselves. */
    TrainingEvent decorated(String payload) {
        JsonNode message = json.readTree(payload);
        ChangeEvent kind = ChangeEvent.fromWire(message.path(ChangeEvent.EVENT).asString("")).orElse(null);
        if (kind == ChangeEvent.JOB_UPDATE && message.path(ChangeEvent.DATA) instanceof ObjectNode data) {
            Set<JobAction> actions = JobAction.offered(JobType.fromWire(data.path(ChangeEvent.Keys.JOB_TYPE).asString()),
                    JobStatus.fromWire(data.path(ChangeEvent.Keys.STATUS).asString()),
                    data.hasNonNull(ChangeEvent.Keys.LATEST_CHECKPOINT_EPOCH));
            ArrayNode list = data.putArray(ChangeEvent.Keys.ACTIONS);
            actions.forEach(action -> list.add(action.wire()));
            return new TrainingEvent(kind, data, json.writeValueAsString(message));
        }
        return new TrainingEvent(kind, message.path(ChangeEvent.DATA), payload);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Keepalive probes answered so far (for tests). */
    long probes() {
        return probes.get();
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
                    statement.execute("LISTEN " + ChangeEvent.CHANNEL);
                }
                listening = true;
                log.info("Listening for job events on channel '{}'", ChangeEvent.CHANNEL);
                // A half-open connection (a peer gone without a FIN) would stay silent forever: a probe
                // that gets no answer within this time breaks it, and the loop reconnects.
                connection.setNetworkTimeout(Runnable::run, (int) properties.keepalive().toMillis());
                int timeoutMillis = (int) properties.pollInterval().toMillis();
                long lastProbe = System.nanoTime();
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(timeoutMillis);
                    if (notifications != null) {
                        for (PGNotification notification : notifications) {
                            relay(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - lastProbe >= properties.keepalive().toNanos()) {
                        try (Statement probe = connection.createStatement()) {
                            probe.execute("SELECT 1");
                        }
                        lastProbe = System.nanoTime();
                        probes.incrementAndGet();
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
