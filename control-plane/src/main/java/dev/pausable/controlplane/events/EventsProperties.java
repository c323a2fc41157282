package dev.pausable.controlplane.events;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param pollInterval    longest wait for notifications before checking for shutdown
 * @param reconnectDelay  pause before re-LISTENing after the connection to PostgreSQL broke
 * @param keepalive       how often the LISTEN connection is probed, so a half-open one is replaced
 * @param allowedOrigins  browser origins (besides the page's own) allowed to open {@code /ws}
 * @param sendTimeLimit   a send that waits this long behind another send to the same client (the close
 *                        of a dropped client) gives up
 * @param sendBufferBytes bytes that may wait behind such a send
 * @param clientQueue     messages waiting for one client; a client this far behind is disconnected
 * @param maxSessions     WebSocket clients at once; more are refused (close code 1013, try again later)
 * @param senderThreads   threads sending to clients (a slow client holds one, never the relay)
 */
@ConfigurationProperties("pausable.events")
public record EventsProperties(
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("1s") Duration reconnectDelay,
        @DefaultValue("30s") Duration keepalive,
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("5s") Duration sendTimeLimit,
        @DefaultValue("1048576") int sendBufferBytes,
        @DefaultValue("1000") int clientQueue,
        @DefaultValue("500") int maxSessions,
        @DefaultValue("4") int senderThreads) {
}
