package dev.pausable.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainerMainTest {

    @Test
    void badArgumentsExitWithTwoBeforeSparkStarts() {
        assertThat(TrainerMain.run(new String[] {})).isEqualTo(2);
        assertThat(TrainerMain.run(new String[] {"--job-id", "not-a-uuid", "--attempt", "1"})).isEqualTo(2);
    }
}
