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
 * @param cancelGrace      a driver that has not acknowledged a cancel this long after it was asked is killed
 *                         (the job ends CANCELLED); the trainer acknowledges at its next epoch boundary
 * @param watchdogFloor    the progress watchdog's shortest limit: a driver that beats but records no epoch
 *                         for {@code watchdogFactor} times its longest epoch, and at least this long, is
 *                         killed and its attempt restarted
 * @param watchdogFactor   the watchdog's limit in epochs of the job's longest one
 */
@ConfigurationProperties("pausable.reconciler")
public record ReconcilerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("15s") Duration interval,
        @DefaultValue("60s") Duration heartbeatTimeout,
        @DefaultValue("60s") Duration launchGrace,
        @DefaultValue("10m") Duration cancelGrace,
        @DefaultValue("30m") Duration watchdogFloor,
        @DefaultValue("3") int watchdogFactor) {
}
