package dev.pausable.controlplane.health;

import dev.pausable.controlplane.storage.CheckpointObjects;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Can checkpoints be written where the trainer writes them ({@code pausable.spark.checkpoint-root})?
 * For {@code s3a://bucket/…}: a HEAD of the bucket at the endpoint, path style and credentials the
 * Spark settings give s3a (credentials otherwise from the environment, as s3a takes them); for a
 * local directory: that it, or its nearest existing parent, is writable. The answer is kept for
 * {@link #CACHE}: probes and anonymous callers cannot make the control plane call S3 on every request.
 */
@Component("objectStore")
class ObjectStoreHealthIndicator implements HealthIndicator {

    static final Duration CACHE = Duration.ofSeconds(10);

    private final CheckpointObjects objects;
    private final Clock clock;
    private final Check check = new Check();
    private Health cached;
    private Instant checkedAt = Instant.MIN;

    @Autowired
    ObjectStoreHealthIndicator(CheckpointObjects objects) {
        this(objects, Clock.systemUTC());
    }

    ObjectStoreHealthIndicator(CheckpointObjects objects, Clock clock) {
        this.objects = objects;
        this.clock = clock;
    }

    @Override
    public synchronized Health health(boolean includeDetails) {
        Instant now = clock.instant();
        if (cached == null || !now.isBefore(checkedAt.plus(CACHE))) {
            cached = check.health(true);
            checkedAt = now;
        }
        return includeDetails ? cached : Health.status(cached.getStatus()).build();
    }

    @Override
    public Health health() {
        return health(true);
    }

    private final class Check extends AbstractHealthIndicator {

        Check() {
            super("Object store health check failed");
        }

        @Override
        protected void doHealthCheck(Health.Builder builder) {
            probe(builder);
        }
    }

    private void probe(Health.Builder builder) {
        URI uri = objects.root();
        builder.withDetail("checkpointRoot", uri.toString());
        switch (uri.getScheme()) {
            case "file" -> {
                Path existing = Path.of(uri);
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                boolean writable = existing != null && Files.isDirectory(existing) && Files.isWritable(existing);
                (writable ? builder.up() : builder.down()).withDetail("writableDirectory",
                        existing == null ? "none" : existing.toString());
            }
            case "s3a", "s3" -> {
                objects.s3().headBucket(request -> request.bucket(uri.getHost()));
                builder.up().withDetail("bucket", uri.getHost()).withDetail("endpoint", objects.s3Endpoint());
            }
            default -> builder.unknown().withDetail("reason", "no check for scheme " + uri.getScheme());
        }
    }
}
