package dev.pausable.controlplane.job;

import dev.pausable.contract.CheckpointKind;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobAction;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The API's vocabulary, from the job contract, for clients that must list it (the dashboard's
 * filters): every status in lifecycle order, job type, intent, action and checkpoint kind.
 */
@RestController
class VocabularyController {

    private static final Map<String, List<?>> VOCABULARY = Map.of(
            "statuses", List.of(JobStatus.values()),
            "terminal_statuses", List.copyOf(JobStatus.TERMINAL),
            "job_types", List.of(JobType.values()),
            "desired_states", List.of(DesiredState.values()),
            "actions", List.of(JobAction.values()),
            "checkpoint_kinds", List.of(CheckpointKind.values()));

    @GetMapping("/v1/vocabulary")
    Map<String, List<?>> vocabulary() {
        return VOCABULARY;
    }
}
