package dev.pausable.controlplane.events;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/** {@code /ws}: every connected client receives every job event as one JSON text message. */
@Component
public class JobEventsWebSocket extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(JobEventsWebSocket.class);

    private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();
    private final EventsProperties properties;

    JobEventsWebSocket(EventsProperties properties) {
        this.properties = properties;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        sessions.put(session.getId(), new ConcurrentWebSocketSessionDecorator(session,
                (int) properties.sendTimeLimit().toMillis(), properties.sendBufferBytes()));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        sessions.remove(session.getId());
    }

    public int clientCount() {
        return sessions.size();
    }

    /** Sends one JSON message to every client; a client that cannot keep up is closed. */
    public void broadcast(String json) {
        TextMessage message = new TextMessage(json);
        for (WebSocketSession session : sessions.values()) {
            try {
                session.sendMessage(message);
            } catch (IOException | RuntimeException e) {
                log.debug("Dropping WebSocket client {}: {}", session.getId(), e.toString());
                sessions.remove(session.getId());
                closeQuietly(session);
            }
        }
    }

    private static void closeQuietly(WebSocketSession session) {
        try {
            session.close(CloseStatus.SESSION_NOT_RELIABLE);
        } catch (IOException ignored) {
            // Already gone.
        }
    }
}
