package dev.pausable.controlplane.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.launch.SparkProperties;
import dev.pausable.controlplane.storage.CheckpointObjects;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ObjectStoreHealthIndicatorTest {

    private static CheckpointObjects objects(String checkpointRoot, Map<String, String> conf) {
        return new CheckpointObjects(new SparkProperties(null, null, "local[2]", "client", checkpointRoot,
                "data/datasets", Path.of("logs"), conf, List.of(), List.of(), List.of(), null));
    }

    @Test
    void aLocalRootIsUpWhileItOrItsNearestParentIsWritable(@TempDir Path dir) {
        Health health = new ObjectStoreHealthIndicator(objects(dir.resolve("a/b/checkpoints").toString(), Map.of()))
                .health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("writableDirectory", dir.toString());
    }

    @Test
    void aRootThatCannotBeCreatedIsDown(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Health health = new ObjectStoreHealthIndicator(objects(file.resolve("checkpoints").toString(), Map.of()))
                .health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("writableDirectory", file.toString());
    }

    @Test
    void anUnreachableS3EndpointIsDownWithTheReason() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CheckpointObjects objects = objects("s3a://training/checkpoints",
                Map.of("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:" + closedPort,
                        "spark.hadoop.fs.s3a.path.style.access", "true",
                        "spark.hadoop.fs.s3a.access.key", "k", "spark.hadoop.fs.s3a.secret.key", "s"));
        ObjectStoreHealthIndicator indicator = new ObjectStoreHealthIndicator(objects);
        try {
            Health health = indicator.health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsKey("error")
                    .containsEntry("checkpointRoot", "s3a://training/checkpoints");
        } finally {
            objects.destroy();
        }
    }

    @Test
    void theAnswerIsKeptForTenSecondsAndDetailsOnlyForThoseAllowedToSeeThem(@TempDir Path dir) throws Exception {
        Instant[] now = {Instant.parse("2026-12-03T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        ObjectStoreHealthIndicator indicator = new ObjectStoreHealthIndicator(
                objects(dir.resolve("a/b/checkpoints").toString(), Map.of()), clock);
        assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
        Files.writeString(dir.resolve("a"), "now a file: the root cannot be created");

        now[0] = now[0].plusSeconds(9);
        assertThat(indicator.health(true).getStatus()).as("cached").isEqualTo(Status.UP);
        assertThat(indicator.health(false).getDetails()).as("no details without permission").isEmpty();
        now[0] = now[0].plusSeconds(1);
        assertThat(indicator.health(true).getStatus()).as("checked again after 10 s").isEqualTo(Status.DOWN);
    }
}
