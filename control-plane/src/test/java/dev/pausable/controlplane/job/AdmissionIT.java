package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.controlplane.support.ApiITBase;
import dev.pausable.controlplane.support.Await;
import dev.pausable.controlplane.support.Http;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** At most two jobs hold Spark resources; the rest wait in priority order, and a pause or an ending frees a slot. */
@TestPropertySource(properties = "pausable.admission.max-running=2")
class AdmissionIT extends ApiITBase {

    private static final String JOBS = "/v1/training/jobs";

    @Test
    void jobsBeyondTheLimitWaitInPriorityOrderAndAFreedSlotAdmitsTheNext() {
        UUID dataset = registerDataset();
        UUID first = created(null, dataset);
        UUID second = created(null, dataset);
        queued(first);
        queued(second);
        UUID third = created(null, dataset);
        UUID urgent = created(90, dataset);
        UUID low = created(10, dataset);
        UUID fifth = created(null, dataset);

        assertThat(job(third).get("status").asString()).isEqualTo("pending");
        assertThat(positions(urgent, third, fifth, low)).as("priority first, then first come first served")
                .containsExactly(1, 2, 3, 4);
        assertThat(job(first).get("queue_position").isNull()).as("admitted: no position").isTrue();
        assertThat(job(urgent).get("priority").asInt()).isEqualTo(90);
        assertThat(job(third).get("priority").asInt()).as("the default").isEqualTo(50);
        // Admitted in creation order, but submitted by a pool of launch threads: the two may reach Spark in
        // either order.
        assertThat(submitted()).containsExactlyInAnyOrder(first, second);
        JsonNode listed = http.get(JOBS + "?status=pending").body().get("jobs");
        assertThat(listed).extracting(j -> j.get("queue_position").asInt()).containsExactlyInAnyOrder(1, 2, 3, 4);

        // A job that ends frees its slot for the next in the queue.
        assertThat(http.post(JOBS + "/" + first + "/cancel", null).status()).isEqualTo(202);
        queued(urgent);
        assertThat(positions(third, fifth, low)).containsExactly(1, 2, 3);

        // A pause frees a slot (once paused); the resume waits for one like any other job.
        forceStatus(second, "running");
        assertThat(http.post(JOBS + "/" + second + "/pause", null).status()).isEqualTo(202);
        assertThat(job(third).get("status").asString()).as("pausing still holds the slot").isEqualTo("pending");
        commitPause(second, 1);
        queued(third);
        Http.Response resumed = http.post(JOBS + "/" + second + "/resume", null);
        assertThat(resumed.status()).isEqualTo(202);
        assertThat(resumed.body().get("status").asString()).isEqualTo("queued");
        assertThat(positions(fifth, second, low)).as("same priority: the resume came later").containsExactly(1, 2, 3);
        assertThat(submitted()).hasSize(4).endsWith(urgent, third);

        // Cancelling a waiting job takes it out of the queue at once; it was never submitted, so nothing is killed.
        assertThat(http.post(JOBS + "/" + low + "/cancel", null).status()).isEqualTo(202);
        assertThat(job(low).get("status").asString()).isEqualTo("cancelled");
        assertThat(job(low).get("queue_position").isNull()).isTrue();
        assertThat(launcher.kills()).as("only the submitted job cancelled earlier")
                .containsExactly("pausable-" + first + "-a1");

        forceStatus(urgent, "completed");
        Await.until("the next job admitted", Duration.ofSeconds(10), () -> launcher.submissions().size() == 5);
        forceStatus(third, "failed");
        Await.until("the resumed job admitted", Duration.ofSeconds(10), () -> launcher.submissions().size() == 6);
        assertThat(submitted()).hasSize(6).endsWith(urgent, third, fifth, second);
        assertThat(launcher.submissions().get(5).request().checkpoint()).as("resumes from its pause checkpoint")
                .isNotNull();
        assertThat(launcher.submissions().get(5).request().attempt()).isEqualTo(2);
    }

    @Test
    void aPriorityOutsideZeroToHundredIsRefused() {
        UUID dataset = registerDataset();
        for (String priority : List.of("-1", "101")) {
            Http.Response refused = http.post(JOBS, """
                    {"job_name": "p", "priority": %s, "config": {"dataset_id": "%s", "epochs": 1, "batch_size": 8, "learning_rate": 0.01}}"""
                    .formatted(priority, dataset));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.detail()).isEqualTo("Field 'priority' must be between 0 and 100");
        }
        assertThat(sql.sql("SELECT count(*) FROM training_jobs").query(Long.class).single()).isZero();
    }

    private UUID created(Integer priority, UUID dataset) {
        Http.Response created = http.post(JOBS, """
                {"job_name": "admitted", %s "config": {"dataset_id": "%s", "epochs": 3, "batch_size": 8, "learning_rate": 0.01}}"""
                .formatted(priority == null ? "" : "\"priority\": " + priority + ",", dataset));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return UUID.fromString(created.body().get("id").asString());
    }

    private JsonNode job(UUID id) {
        return http.get(JOBS + "/" + id).body();
    }

    private List<Integer> positions(UUID... ids) {
        return java.util.Arrays.stream(ids).map(id -> job(id).get("queue_position").asInt()).toList();
    }

    /** The jobs submitted to Spark so far, in the order they reached the launcher. */
    private List<UUID> submitted() {
        return launcher.submissions().stream().map(submission -> submission.request().jobId()).toList();
    }
}
