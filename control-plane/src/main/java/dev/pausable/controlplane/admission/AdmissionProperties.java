package dev.pausable.controlplane.admission;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param maxRunning jobs that may hold Spark resources at once (admitted and not yet paused or finished);
 *                   the default fits one machine running local-mode drivers
 * @param interval   how often the leader looks for free slots besides the changes it hears of
 */
@ConfigurationProperties("pausable.admission")
public record AdmissionProperties(@DefaultValue("2") int maxRunning, @DefaultValue("2s") Duration interval) {

    public AdmissionProperties {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("pausable.admission.max-running must be at least 1, not " + maxRunning);
        }
    }
}
