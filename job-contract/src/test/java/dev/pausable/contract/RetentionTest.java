package dev.pausable.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionTest {

    private final List<Checkpoint> live = new ArrayList<>();

    private Checkpoint commit(CheckpointKind kind, int epoch) {
        return commit(kind, epoch, 0);
    }

    private Checkpoint commit(CheckpointKind kind, int epoch, int round) {
        Checkpoint checkpoint = new Checkpoint(live.size() + 1, epoch, round, 1,
                "file:///c/" + kind + "-" + epoch + "-" + round,
                "a".repeat(64), 10, kind, null, null, 1L);
        live.add(checkpoint);
        return checkpoint;
    }

    private List<Checkpoint> release(Retention retention, Checkpoint committed) {
        List<Checkpoint> released = retention.superseded(live, committed);
        live.removeAll(released);
        return released;
    }

    @Test
    void keepsTheLastPeriodicOnesTheNewestBestAndTheFinalModel() {
        Retention retention = new Retention(2, true);
        for (int epoch = 1; epoch <= 4; epoch++) {
            release(retention, commit(CheckpointKind.PERIODIC, epoch));
        }
        assertThat(live).extracting(Checkpoint::epoch).containsExactly(3, 4);
        release(retention, commit(CheckpointKind.BEST, 4));
        release(retention, commit(CheckpointKind.BEST, 5));
        assertThat(live).extracting(c -> c.kind() + "@" + c.epoch())
                .containsExactly("PERIODIC@3", "PERIODIC@4", "BEST@5");
        release(retention, commit(CheckpointKind.FINAL, 6));
        assertThat(live).extracting(c -> c.kind() + "@" + c.epoch())
                .containsExactly("PERIODIC@3", "PERIODIC@4", "BEST@5", "FINAL@6");
    }

    @Test
    void aPauseCheckpointStaysTheRecoveryPointUntilANewerOneIsCommitted() {
        Retention retention = new Retention(2, false);
        Checkpoint pause = commit(CheckpointKind.PAUSE, 3);
        assertThat(release(retention, pause)).isEmpty();
        assertThat(live).containsExactly(pause);
        assertThat(release(retention, commit(CheckpointKind.PERIODIC, 4))).containsExactly(pause);
    }

    @Test
    void nothingNewerThanTheCommittedCheckpointIsReleasedAndTheCommittedOneNever() {
        Retention retention = new Retention(1, false);
        Checkpoint newer = commit(CheckpointKind.PAUSE, 9);
        Checkpoint older = commit(CheckpointKind.PERIODIC, 5);
        assertThat(release(retention, older)).isEmpty();
        assertThat(live).contains(newer, older);
    }

    @Test
    void aCheckpointWithinAnEpochIsNewerThanItsEpochsBoundaryAndOlderThanTheNextEpoch() {
        Retention retention = new Retention(1, false);
        commit(CheckpointKind.PERIODIC, 2);
        Checkpoint midEpoch = commit(CheckpointKind.PAUSE, 2, 120);
        Checkpoint laterInTheEpoch = commit(CheckpointKind.PAUSE, 2, 121);
        assertThat(release(retention, laterInTheEpoch)).containsExactly(midEpoch);
        Checkpoint olderBoundary = commit(CheckpointKind.PERIODIC, 1);
        assertThat(release(retention, olderBoundary)).isEmpty();
        assertThat(release(retention, commit(CheckpointKind.PERIODIC, 3)))
                .extracting(c -> c.kind() + "@" + c.epoch() + "." + c.round())
                .containsExactlyInAnyOrder("PERIODIC@2.0", "PAUSE@2.121", "PERIODIC@1.0");
    }
}
