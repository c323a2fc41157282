package dev.pausable.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CommittedCheckpointTest {

    @Test
    void positionNamesTheRoundOnlyWithinAnEpoch() {
        assertThat(new CommittedCheckpoint("u", "s", 1, 2).position()).isEqualTo("epoch 2");
        assertThat(new CommittedCheckpoint("u", "s", 1, 2, 120).position()).isEqualTo("epoch 2, round 120");
        assertThat(CommittedCheckpoint.boundary(2, 0)).isEqualTo("after epoch 2");
        assertThat(CommittedCheckpoint.boundary(2, 120)).isEqualTo("at epoch 2, round 120");
    }

    @Test
    void aPauseCheckpointWithoutARoundColumnIsAnEpochBoundary() {
        assertThat(CommittedCheckpoint.of("u", "s", 1L, 3, null)).get()
                .extracting(CommittedCheckpoint::round).isEqualTo(0);
        assertThat(CommittedCheckpoint.of("u", "s", 1L, null, 4)).isEmpty();
    }

    @Test
    void namesOfCheckpointsWithinAnEpochCarryTheirRoundAndNeverCollideWithABoundary() {
        assertThat(CheckpointNames.name(CheckpointKind.PAUSE, 2, 0, 1)).isEqualTo("epoch-0002-attempt-1.zip");
        assertThat(CheckpointNames.name(CheckpointKind.PAUSE, 2, 120, 1))
                .isEqualTo("epoch-0002-round-00120-attempt-1.zip");
        assertThat(CheckpointNames.name(CheckpointKind.PERIODIC, 2, 120, 3))
                .isEqualTo("periodic-epoch-0002-round-00120-attempt-3.zip");
    }
}
