package dev.pausable.controlplane.events;

import dev.pausable.controlplane.schedule.DaemonThreads;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /ws}: every connected client receives every job event as one JSON text message. Broadcasting
 * only queues: each client has a bounded queue drained by a small pool of sender threads, so a client
 * that stops reading delays nobody else (and never the relay that feeds the metrics); one that falls
 * {@link EventsProperties#clientQueue()} messages behind is disconnected (the dashboard reconnects and
 * catches up). A send blocked on such a client holds one sender thread until the close reaches it or
 * the container's blocking-send timeout ends it.
 */
@Component
public class JobEventsWebSocket extends TextWebSocketHandler implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(JobEventsWebSocket.class);

    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final EventsProperties properties;
    private final ExecutorService senders;
    /** Closing a stuck client may block on its socket too: never on the broadcasting thread. */
    private final ExecutorService closer = Executors.newCachedThreadPool(DaemonThreads.named("ws-closer"));

    JobEventsWebSocket(EventsProperties properties) {
        this.properties = properties;
        this.senders = Executors.newFixedThreadPool(properties.senderThreads(), DaemonThreads.named("ws-sender"));
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        if (clients.size() >= properties.maxSessions()) {
            session.close(CloseStatus.SERVICE_OVERLOAD.withReason("too many clients; try again later"));
            return;
        }
        clients.put(session.getId(), new Client(new ConcurrentWebSocketSessionDecorator(session,
                (int) properties.sendTimeLimit().toMillis(), properties.sendBufferBytes())));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        clients.remove(session.getId());
    }

    public int clientCount() {
        return clients.size();
    }

    /** Queues one JSON message for every client; returns at once. */
    public void broadcast(String json) {
        TextMessage message = new TextMessage(json);
        for (Client client : clients.values()) {
            client.offer(message);
        }
    }

    @Override
    public void destroy() {
        senders.shutdownNow();
        closer.shutdownNow();
    }

    private final class Client {

        private final WebSocketSession session;
        private final BlockingQueue<TextMessage> queue = new ArrayBlockingQueue<>(properties.clientQueue());
        private final AtomicBoolean draining = new AtomicBoolean();

        Client(WebSocketSession session) {
            this.session = session;
        }

        void offer(TextMessage message) {
            if (!queue.offer(message)) {
                drop("more than " + properties.clientQueue() + " messages behind");
                return;
            }
            if (draining.compareAndSet(false, true)) {
                senders.execute(this::drain);
            }
        }

        /** One drain per client at a time: messages leave in the order they were queued. */
        private void drain() {
            while (true) {
                TextMessage next = queue.poll();
                if (next == null) {
                    draining.set(false);
                    // A message queued between the poll and the reset would otherwise wait for the next one.
                    if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                        return;
                    }
                    continue;
                }
                try {
                    session.sendMessage(next);
                } catch (IOException | RuntimeException e) {
                    drop(e.toString());
                    return;
                }
            }
        }

        private void drop(String why) {
            if (clients.remove(session.getId()) == null) {
                return;
            }
            log.debug("Dropping WebSocket client {}: {}", session.getId(), why);
            queue.clear();
            closer.execute(() -> {
                try {
                    session.close(CloseStatus.SESSION_NOT_RELIABLE);
                } catch (IOException | RuntimeException ignored) {
                    // Already gone.
                }
            });
        }
    }
}
