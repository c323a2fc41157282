package dev.pausable.controlplane.dataset;

import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.NotFoundException;
import dev.pausable.controlplane.web.Paging;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/v1/datasets")
class DatasetsController {

    private static final Set<String> TASKS = Set.of("regression", "classification");

    private final DatasetRepository datasets;

    DatasetsController(DatasetRepository datasets) {
        this.datasets = datasets;
    }

    /** Registers an existing Parquet dataset. */
    record RegisterDatasetRequest(String name, String uri, List<String> featureColumns, List<String> labelColumns,
                                  Long numSamples, String task) {
    }

    @GetMapping
    Map<String, Object> list(@RequestParam(required = false) Integer limit,
                             @RequestParam(required = false) Integer offset) {
        Paging paging = Paging.of(limit, offset);
        return Map.of("datasets", datasets.list(paging.limit(), paging.offset()), "total", datasets.count());
    }

    @GetMapping("/{id}")
    Dataset get(@PathVariable UUID id) {
        return datasets.find(id).orElseThrow(() -> new NotFoundException("Dataset", id));
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Dataset register(@RequestBody RegisterDatasetRequest request) {
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw new InvalidFieldException("name", "must be 1 to 200 characters");
        }
        if (request.uri() == null) {
            throw new InvalidFieldException("uri", "is required");
        }
        DatasetUris.requireSupported("uri", request.uri());
        List<String> features = columns("feature_columns", request.featureColumns());
        List<String> labels = columns("label_columns", request.labelColumns());
        Set<String> overlap = new HashSet<>(features);
        overlap.retainAll(labels);
        if (!overlap.isEmpty()) {
            throw new InvalidFieldException("label_columns", "must not repeat feature columns " + overlap);
        }
        if (request.numSamples() != null && request.numSamples() < 0) {
            throw new InvalidFieldException("num_samples", "must not be negative");
        }
        String task = request.task() == null ? "regression" : request.task();
        if (!TASKS.contains(task)) {
            throw new InvalidFieldException("task", "must be 'regression' or 'classification'");
        }
        return datasets.insert(UUID.randomUUID(), request.name(), request.uri(), request.numSamples(), features, labels,
                task);
    }

    private static List<String> columns(String field, List<String> columns) {
        if (columns == null || columns.isEmpty()) {
            throw new InvalidFieldException(field, "must list at least one column");
        }
        if (columns.stream().anyMatch(c -> c == null || c.isBlank())) {
            throw new InvalidFieldException(field, "must not contain blank column names");
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            throw new InvalidFieldException(field, "must not contain duplicates");
        }
        return List.copyOf(columns);
    }
}
