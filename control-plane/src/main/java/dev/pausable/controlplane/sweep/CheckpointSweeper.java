package dev.pausable.controlplane.sweep;

import dev.pausable.controlplane.schedule.Leadership;
import dev.pausable.controlplane.schedule.PeriodicTask;
import dev.pausable.controlplane.storage.CheckpointObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Reconciles the checkpoint rows and the objects under the checkpoint root, whichever side a crash left
 * behind: an object no live row references (released, of a deleted job, or uploaded by an attempt that
 * died before its commit) is deleted once older than the grace period; a live row whose object is gone
 * is marked deleted with that reason (the job's latest checkpoint then falls back to the one before).
 */
@Component
@EnableConfigurationProperties(SweeperProperties.class)
public class CheckpointSweeper extends PeriodicTask {

    private static final Logger log = LoggerFactory.getLogger(CheckpointSweeper.class);

    private final CheckpointObjects objects;
    private final JdbcClient jdbc;
    private final SweeperProperties settings;

    CheckpointSweeper(CheckpointObjects objects, JdbcClient jdbc, SweeperProperties settings, Leadership leadership) {
        super("checkpoint-sweeper", leadership);
        this.objects = objects;
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /** What one pass did. */
    public record Swept(int objectsDeleted, int rowsMarkedMissing) {
    }

    public Swept sweep() {
        Instant cutoff = Instant.now().minus(settings.grace());
        Set<String> live = new HashSet<>(jdbc.sql("SELECT uri FROM checkpoints WHERE deleted_at IS NULL")
                .query(String.class).list());
        int deleted = 0;
        for (CheckpointObjects.StoredObject object : objects.list()) {
            if (!live.contains(object.uri()) && object.lastModified().isBefore(cutoff)) {
                objects.delete(object.uri());
                log.info("Swept {} (no live checkpoint references it)", object.uri());
                deleted++;
            }
        }
        int missing = 0;
        for (String uri : live) {
            Optional<Long> size = objects.size(uri);
            if (size.isEmpty() && markMissing(uri)) {
                log.warn("Checkpoint {} is missing from the object store; marked deleted", uri);
                missing++;
            }
        }
        return new Swept(deleted, missing);
    }

    private boolean markMissing(String uri) {
        return jdbc.sql("""
                        UPDATE checkpoints SET deleted_at = now(), deleted_reason = 'object missing from the store'
                        WHERE uri = :uri AND deleted_at IS NULL""")
                .param("uri", uri).update() == 1;
    }

    @Override
    protected boolean enabled() {
        return settings.enabled();
    }

    @Override
    protected Duration firstDelay() {
        return settings.interval();
    }

    @Override
    protected Duration interval() {
        return settings.interval();
    }

    @Override
    protected void pass() {
        Swept swept = sweep();
        if (swept.objectsDeleted() + swept.rowsMarkedMissing() > 0) {
            log.info("Checkpoint sweep: {}", swept);
        }
    }
}
