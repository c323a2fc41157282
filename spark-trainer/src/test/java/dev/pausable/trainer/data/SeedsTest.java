package dev.pausable.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SeedsTest {

    @Test
    void isAPureFunctionOfItsInputs() {
        assertThat(Seeds.mix(42, Seeds.EPOCH_ORDER, 3, 1)).isEqualTo(Seeds.mix(42, Seeds.EPOCH_ORDER, 3, 1));
        // Pinned: a change here would silently change every job's data order across an upgrade.
        assertThat(Seeds.mix(42, Seeds.EPOCH_ORDER, 3, 1)).isEqualTo(2437358294487683823L);
    }

    @Test
    void separatesEpochsPartitionsAndPurposes() {
        Set<Long> seen = new HashSet<>();
        for (long salt : new long[] {Seeds.VALIDATION, Seeds.PARTITION, Seeds.EPOCH_ORDER, Seeds.ROW}) {
            for (int epoch = 1; epoch <= 50; epoch++) {
                for (int partition = 0; partition < 8; partition++) {
                    assertThat(seen.add(Seeds.mix(7, salt, epoch, partition))).isTrue();
                }
            }
        }
    }
}
