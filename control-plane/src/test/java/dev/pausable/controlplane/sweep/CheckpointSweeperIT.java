package dev.pausable.controlplane.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.support.ApiITBase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The sweeper on the real database and the local checkpoint root (grace 1 minute in these tests). */
class CheckpointSweeperIT extends ApiITBase {

    @Autowired
    private CheckpointSweeper sweeper;

    private static Path file(String uri) {
        return Path.of(URI.create(uri));
    }

    private static void age(String uri, Duration age) throws Exception {
        Files.setLastModifiedTime(file(uri), FileTime.from(Instant.now().minus(age)));
    }

    @Test
    void deletesOldObjectsNoLiveRowReferencesAndMarksRowsWhoseObjectsAreGone() throws Exception {
        UUID job = createTrainingJob(registerDataset(), 10);
        String older = commitCheckpoint(job, "periodic", 1, 1);
        String latest = commitCheckpoint(job, "periodic", 2, 1);
        String released = commitCheckpoint(job, "pause", 1, 1);
        sql.sql("UPDATE checkpoints SET deleted_at = now() WHERE uri = :uri").param("uri", released).update();
        String orphan = checkpointObject(job, "best-epoch-0003-attempt-1.zip", 100);
        String uploading = checkpointObject(job, "periodic-epoch-0004-attempt-1.zip", 100);
        for (String uri : new String[] {older, latest, released, orphan}) {
            age(uri, Duration.ofMinutes(5));
        }
        Files.delete(file(latest));

        CheckpointSweeper.Swept swept = sweeper.sweep();

        assertThat(file(released)).as("released: its row says deleted").doesNotExist();
        assertThat(file(orphan)).as("no row: an upload whose commit never came").doesNotExist();
        assertThat(file(uploading)).as("younger than the grace: may still be committed").exists();
        assertThat(file(older)).as("live").exists();
        assertThat(swept.rowsMarkedMissing()).isEqualTo(1);
        assertThat(sql.sql("SELECT deleted_reason FROM checkpoints WHERE uri = :uri").param("uri", latest)
                .query(String.class).single()).isEqualTo("object missing from the store");
        assertThat(http.get("/v1/training/jobs/" + job).body().get("latest_checkpoint").get("uri").asString())
                .as("the latest falls back to the one before").isEqualTo(older);
    }
}
