package dev.pausable.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every status write the trainer can make is a transition the lifecycle allows. */
class TrainerStatusWriteTest {

    @ParameterizedTest
    @EnumSource(TrainerStatusWrite.class)
    void everyTrainerWriteIsAnAllowedTransition(TrainerStatusWrite write) {
        StatusChange change = write.change();
        assertThat(change.from()).isNotEmpty();
        for (JobStatus from : change.from()) {
            assertThat(from.canTransitionTo(change.to())).as(write + ": " + from + " -> " + change.to()).isTrue();
        }
        assertThat(change.assignment()).isEqualTo("status = '" + change.to().wire() + "'");
        assertThat(change.condition()).startsWith("status IN (").contains("'" + change.from().iterator().next().wire()
                + "'");
    }

    @Test
    void theTrainerWritesExactlyTheOutcomesOfADriver() {
        EnumSet<JobStatus> targets = EnumSet.noneOf(JobStatus.class);
        for (TrainerStatusWrite write : TrainerStatusWrite.values()) {
            targets.add(write.change().to());
        }
        assertThat(targets).containsExactlyInAnyOrder(JobStatus.RUNNING, JobStatus.PAUSED, JobStatus.COMPLETED,
                JobStatus.CANCELLED, JobStatus.FAILED, JobStatus.PENDING);
    }

    @Test
    void aChangeTheLifecycleDoesNotAllowCannotBeBuilt() {
        assertThatThrownBy(() -> StatusChange.to(JobStatus.PAUSED, JobStatus.RUNNING))
                .hasMessageContaining("RUNNING -> PAUSED is not allowed");
        assertThatThrownBy(() -> StatusChange.to(JobStatus.RUNNING, EnumSet.noneOf(JobStatus.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namedSetsHoldWhatTheirNamesSay() {
        assertThat(JobStatus.TERMINAL).allMatch(JobStatus::isTerminal);
        assertThat(JobStatus.UNSETTLED).noneMatch(JobStatus::isTerminal).doesNotContain(JobStatus.PAUSED);
        assertThat(JobStatus.UNSETTLED).containsAll(JobStatus.HEARTBEATING).containsAll(JobStatus.CLAIMABLE);
        assertThat(JobStatus.CLAIMABLE).allMatch(status -> status.canTransitionTo(JobStatus.RUNNING));
        assertThat(JobStatus.HEARTBEATING).allMatch(status -> status.canTransitionTo(JobStatus.FAILED));
    }
}
