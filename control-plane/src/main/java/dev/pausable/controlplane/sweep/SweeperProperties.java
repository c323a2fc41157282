package dev.pausable.controlplane.sweep;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled  run the sweeper on a schedule
 * @param interval pause between two passes
 * @param grace    an object no live checkpoint row references is deleted only once it is older than this
 *                 (a trainer uploads before it commits; an upload in progress must never be swept)
 */
@ConfigurationProperties("pausable.sweeper")
public record SweeperProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10m") Duration interval,
        @DefaultValue("1h") Duration grace) {
}
