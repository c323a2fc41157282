package dev.pausable.controlplane.events;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pollInterval    longest wait for notifications before checking for shutdown
 * @param reconnectDelay  pause before re-LISTENing after the connection to PostgreSQL broke
 * @param allowedOrigins  browser origins (besides the page's own) allowed to open {@code /ws}
 * @param sendTimeLimit   a WebSocket client slower than this is dropped rather than stalling the others
 * @param sendBufferBytes per-client buffer of not-yet-sent messages
 */
@ConfigurationProperties("pausable.events")
public record EventsProperties(
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("1s") Duration reconnectDelay,
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("5s") Duration sendTimeLimit,
        @DefaultValue("1048576") int sendBufferBytes) {
}
