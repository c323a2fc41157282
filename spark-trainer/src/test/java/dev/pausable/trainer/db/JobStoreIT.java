package dev.pausable.trainer.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.CommittedCheckpoint;
import dev.pausable.contract.NewDataset;
import dev.pausable.contract.Retention;
import dev.pausable.trainer.TrainerFixture;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every trainer write is idempotent per attempt: a transaction retried because the answer to its commit
 * was lost finds its own write and succeeds, instead of taking itself for a stale attempt.
 */
class JobStoreIT {

    private final TrainerFixture fx = TrainerFixture.get();

    private StoredCheckpoint stored(UUID job, String name, int epoch) {
        return new StoredCheckpoint(new CommittedCheckpoint("file:///c/" + job + "/" + name, "d".repeat(64), 10, epoch),
                5);
    }

    @Test
    void claimPauseAndCheckpointWritesCanBeRepeatedByTheSameAttempt() {
        UUID job = fx.insertJob("training", "{}", null, 5);
        JobStore store = fx.store(job, 1);
        store.markRunning("app-1");
        store.markRunning("app-1");
        assertThat(fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job)).isEqualTo("running");

        Retention retention = new Retention(2, true);
        StoredCheckpoint periodic = stored(job, "periodic-epoch-0001-attempt-1.zip", 1);
        store.commitCheckpoint(periodic, CheckpointKind.PERIODIC, retention);
        store.commitCheckpoint(periodic, CheckpointKind.PERIODIC, retention);
        assertThat(fx.queryString("SELECT count(*) FROM checkpoints WHERE job_id = ?", job)).isEqualTo("1");

        fx.update("UPDATE training_jobs SET status = 'pausing', desired_state = 'paused' WHERE id = ?", job);
        StoredCheckpoint pause = stored(job, "epoch-0002-attempt-1.zip", 2);
        Optional<List<String>> first = store.commitPause(pause, retention);
        Optional<List<String>> again = store.commitPause(pause, retention);
        assertThat(first).isPresent();
        assertThat(again).as("the repeated commit is no cancel and no stale attempt").isPresent();
        assertThat(fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job)).isEqualTo("paused");
        assertThat(fx.queryString("SELECT latest_checkpoint_uri FROM training_jobs WHERE id = ?", job))
                .isEqualTo(pause.uri());
    }

    @Test
    void aGeneratedDatasetIsRegisteredOnceHoweverOftenItsCommitIsRepeated() {
        UUID job = fx.insertJob("synthetic_data", "{}", null, 0);
        JobStore store = fx.store(job, 1);
        store.markRunning("app-1");
        NewDataset dataset = NewDataset.validated("rss", "file:///d/" + job, null, 10L, List.of("rss_0"), null, List.of("x"), null);
        store.completeWithDataset(NewDataset.generatedBy(job), dataset);
        store.completeWithDataset(NewDataset.generatedBy(job), dataset);
        assertThat(fx.queryString("SELECT count(*) FROM datasets WHERE created_by_job_id = ?", job)).isEqualTo("1");
        assertThat(fx.queryString("SELECT status FROM training_jobs WHERE id = ?", job)).isEqualTo("completed");
    }
}
