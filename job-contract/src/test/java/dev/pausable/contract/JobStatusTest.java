package dev.pausable.contract;

import static dev.pausable.contract.JobStatus.CANCELLED;
import static dev.pausable.contract.JobStatus.CANCELLING;
import static dev.pausable.contract.JobStatus.COMPLETED;
import static dev.pausable.contract.JobStatus.FAILED;
import static dev.pausable.contract.JobStatus.PAUSED;
import static dev.pausable.contract.JobStatus.PAUSING;
import static dev.pausable.contract.JobStatus.PENDING;
import static dev.pausable.contract.JobStatus.QUEUED;
import static dev.pausable.contract.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

public class JobStatusTest {

    /**
     * The lifecycle of docs/architecture.md, written out independently of the enum: the seed's, plus
     * restarts (QUEUED/RUNNING/PAUSING -> PENDING), resuming a failed job (FAILED -> QUEUED) and a
     * resume that could not be launched (QUEUED -> PAUSED).
     */
    private static final Map<JobStatus, Set<JobStatus>> ALLOWED = new EnumMap<>(Map.of(
            PENDING, EnumSet.of(QUEUED, RUNNING, CANCELLED, FAILED),
            QUEUED, EnumSet.of(RUNNING, CANCELLED, FAILED, PENDING, PAUSED),
            RUNNING, EnumSet.of(PAUSING, CANCELLING, COMPLETED, FAILED, PENDING),
            PAUSING, EnumSet.of(PAUSED, COMPLETED, CANCELLING, FAILED, PENDING),
            PAUSED, EnumSet.of(QUEUED, CANCELLED),
            CANCELLING, EnumSet.of(CANCELLED, FAILED),
            CANCELLED, EnumSet.noneOf(JobStatus.class),
            COMPLETED, EnumSet.noneOf(JobStatus.class),
            FAILED, EnumSet.of(QUEUED)));

    public static Stream<Arguments> everyPair() {
        return Stream.of(JobStatus.values())
                .flatMap(from -> Stream.of(JobStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void allowsExactlyTheDesignedTransitions(JobStatus from, JobStatus to) {
        assertThat(from.canTransitionTo(to)).isEqualTo(ALLOWED.get(from).contains(to));
    }

    @Test
    void onlyAResumeLeavesATerminalStatusAndNothingStaysPut() {
        assertThat(JobStatus.terminal()).containsExactlyInAnyOrder(COMPLETED, FAILED, CANCELLED);
        for (JobStatus status : JobStatus.values()) {
            assertThat(status.isTerminal()).isEqualTo(JobStatus.terminal().contains(status));
            assertThat(status.canTransitionTo(status)).as(status + " -> itself").isFalse();
        }
        assertThat(COMPLETED.next()).isEmpty();
        assertThat(CANCELLED.next()).isEmpty();
        assertThat(FAILED.next()).containsExactly(QUEUED);
    }

    @Test
    void pausedIsReachableThroughPausingOrAFailedResumeAndLeftOnlyByResumeOrCancel() {
        for (JobStatus status : JobStatus.values()) {
            assertThat(status.canTransitionTo(PAUSED)).isEqualTo(status == PAUSING || status == QUEUED);
        }
        assertThat(PAUSED.next()).containsExactlyInAnyOrder(QUEUED, CANCELLED);
    }

    @Test
    void wireNamesAreLowerCaseAndRoundTrip() {
        for (JobStatus status : JobStatus.values()) {
            assertThat(status.wire()).isEqualTo(status.name().toLowerCase());
            assertThat(JobStatus.fromWire(status.wire())).isEqualTo(status);
        }
        assertThatThrownBy(() -> JobStatus.fromWire("PAUSED")).isInstanceOf(IllegalArgumentException.class);
    }
}
