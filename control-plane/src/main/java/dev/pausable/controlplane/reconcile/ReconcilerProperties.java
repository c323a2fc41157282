package dev.pausable.controlplane.reconcile;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled          run the reconciler on a schedule (a pass also runs at startup)
 * @param interval         pause between two passes
 * @param heartbeatTimeout a driver whose last heartbeat is older than this is asked about; the trainer
 *                         beats every {@code spark.pausable.heartbeatSeconds} (10 s), also during long epochs
 * @param launchGrace      how long a submission may take to show up in Spark before its absence counts
 */
@ConfigurationProperties("pausable.reconciler")
public record ReconcilerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("15s") Duration interval,
        @DefaultValue("60s") Duration heartbeatTimeout,
        @DefaultValue("60s") Duration launchGrace) {
}
