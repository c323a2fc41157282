package dev.pausable.controlplane.job;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the control plane restarts a job whose attempt ended without an outcome (the job's own
 * {@code max_restarts} says how often).
 *
 * @param backoff    the wait before the first restart; it doubles with every further restart
 * @param maxBackoff the longest wait between two restarts
 */
@ConfigurationProperties("pausable.recovery")
public record RecoveryProperties(
        @DefaultValue("10s") Duration backoff,
        @DefaultValue("5m") Duration maxBackoff) {

    /** The wait before restart number {@code restart} (1-based). */
    Duration before(int restart) {
        Duration wait = backoff.multipliedBy(1L << Math.min(Math.max(restart - 1, 0), 20));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
