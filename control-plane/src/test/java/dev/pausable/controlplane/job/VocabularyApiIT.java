package dev.pausable.controlplane.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.JobStatus;
import dev.pausable.controlplane.support.ApiITBase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Clients read the vocabulary and the actions offered per job from the API instead of repeating them. */
class VocabularyApiIT extends ApiITBase {

    private static final String JOBS = "/v1/training/jobs";

    @Test
    void theVocabularyListsTheContractsValues() {
        JsonNode words = http.get("/v1/vocabulary").body();
        assertThat(strings(words.get("statuses"))).containsExactly("pending", "queued", "running", "pausing",
                "paused", "cancelling", "cancelled", "completed", "failed");
        assertThat(strings(words.get("statuses"))).hasSize(JobStatus.values().length);
        assertThat(strings(words.get("terminal_statuses"))).containsExactlyInAnyOrder("cancelled", "completed", "failed");
        assertThat(strings(words.get("job_types"))).containsExactly("training", "synthetic_data");
        assertThat(strings(words.get("actions"))).containsExactly("pause", "resume", "cancel", "delete");
    }

    @Test
    void eachJobCarriesTheActionsOfferedInItsStatus() {
        UUID dataset = registerDataset();
        UUID job = createTrainingJob(dataset, 10);
        assertThat(actions(job)).containsExactly("cancel");
        forceStatus(job, "running");
        assertThat(actions(job)).containsExactly("pause", "cancel");
        commitPause(job, 2);
        assertThat(actions(job)).as("no cancel for paused jobs in the dashboard").containsExactly("resume");
        forceStatus(job, "completed");
        assertThat(actions(job)).containsExactly("delete");

        UUID synthetic = createSyntheticJob();
        forceStatus(synthetic, "running");
        assertThat(actions(synthetic)).as("synthetic-data jobs cannot be paused").containsExactly("cancel");
        JsonNode listed = http.get(JOBS + "?status=running").body().get("jobs").get(0);
        assertThat(strings(listed.get("actions"))).containsExactly("cancel");
    }

    private List<String> actions(UUID job) {
        return strings(http.get(JOBS + "/" + job).body().get("actions"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }
}
