package dev.pausable.controlplane.schedule;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param checkInterval how often a follower tries for the leader's lock and the leader proves its session
 *                      (a takeover after a leader dies takes at most about this plus the server's keepalive
 *                      of three such intervals)
 */
@ConfigurationProperties("pausable.leadership")
public record LeadershipProperties(@DefaultValue("5s") Duration checkInterval) {
}
