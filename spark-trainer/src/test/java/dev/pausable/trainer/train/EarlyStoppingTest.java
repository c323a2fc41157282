package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEpochsWithoutStrictImprovement() {
        EarlyStopping stopping = new EarlyStopping(2, null, 0, 0);
        stopping.record(1, 0.9);
        stopping.record(2, 0.5);
        stopping.record(3, 0.5);
        assertThat(stopping.shouldStop()).as("equal is not better").isFalse();
        stopping.record(4, 0.7);
        assertThat(stopping.shouldStop()).isTrue();
        assertThat(stopping.best()).isEqualTo(0.5);
        assertThat(stopping.bestEpoch()).isEqualTo(2);
        assertThat(stopping.sinceImprovement()).isEqualTo(2);
    }

    @Test
    void aRestoredCounterCarriesOnWhereThePausedRunLeftOff() {
        // Paused after epoch 5 with the best at epoch 3: two epochs without improvement already.
        EarlyStopping resumed = new EarlyStopping(3, 0.25, 3, 2);
        resumed.record(6, 0.3);
        assertThat(resumed.shouldStop()).isTrue();
        assertThat(resumed.bestEpoch()).isEqualTo(3);
    }

    @Test
    void zeroPatienceNeverStops() {
        EarlyStopping stopping = new EarlyStopping(0, 0.1, 1, 100);
        stopping.record(102, 0.5);
        assertThat(stopping.shouldStop()).isFalse();
    }
}
