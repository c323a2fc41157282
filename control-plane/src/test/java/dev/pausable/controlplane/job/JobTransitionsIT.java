package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pausable.contract.JobStatus;
import dev.pausable.contract.TrainingJob;
import dev.pausable.controlplane.support.ApiITBase;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

/** Every (from, to) pair of the state enum, through the repository's conditional update on PostgreSQL. */
class JobTransitionsIT extends ApiITBase {

    @Autowired
    private JobRepository jobs;

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("dev.pausable.contract.JobStatusTest#everyPair")
    void appliesAllowedTransitionsAndRefusesTheRest(JobStatus from, JobStatus to) {
        UUID job = createTrainingJob(registerDataset(), 5);
        forceStatus(job, from.wire());

        if (from.canTransitionTo(to)) {
            Optional<TrainingJob> moved = jobs.transition(job, 1, to, from).apply();
            assertThat(moved).as("allowed and expected status holds").isPresent();
            assertThat(moved.get().status()).isEqualTo(to);
            assertThat(status(job)).isEqualTo(to.wire());
        } else {
            assertThatThrownBy(() -> jobs.transition(job, 1, to, from))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(from + " -> " + to);
            assertThat(status(job)).isEqualTo(from.wire());
        }
    }

    @Test
    void aStaleAttemptOrAnUnexpectedStatusChangesNothing() {
        UUID job = createTrainingJob(registerDataset(), 5);
        forceStatus(job, "running");

        assertThat(jobs.transition(job, 2, JobStatus.PAUSING, JobStatus.RUNNING).apply())
                .as("stale fencing token").isEmpty();
        assertThat(jobs.transition(job, 1, JobStatus.RUNNING, JobStatus.QUEUED).apply())
                .as("someone else moved it on").isEmpty();
        assertThat(status(job)).isEqualTo("running");
    }

    @Test
    void theDatabaseRejectsStatusesOutsideTheEnum() {
        UUID job = createTrainingJob(registerDataset(), 5);
        assertThatThrownBy(() -> forceStatus(job, "sleeping")).isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> sql.sql("UPDATE training_jobs SET desired_state = 'resting' WHERE id = :id")
                .param("id", job).update()).isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void everyStatusOfTheEnumIsAllowedByTheDatabase() {
        UUID job = createTrainingJob(registerDataset(), 5);
        for (JobStatus status : JobStatus.values()) {
            forceStatus(job, status.wire());
            assertThat(status(job)).isEqualTo(status.wire());
        }
    }
}
