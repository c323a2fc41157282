package dev.pausable.controlplane.health;

import dev.pausable.controlplane.storage.CheckpointObjects;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Can checkpoints be written where the trainer writes them ({@code pausable.spark.checkpoint-root})?
 * For {@code s3a://bucket/…}: a HEAD of the bucket at the endpoint, path style and credentials the
 * Spark settings give s3a (credentials otherwise from the environment, as s3a takes them); for a
 * local directory: that it, or its nearest existing parent, is writable.
 */
@Component("objectStore")
class ObjectStoreHealthIndicator extends AbstractHealthIndicator {

    private final CheckpointObjects objects;

    ObjectStoreHealthIndicator(CheckpointObjects objects) {
        super("Object store health check failed");
        this.objects = objects;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
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
