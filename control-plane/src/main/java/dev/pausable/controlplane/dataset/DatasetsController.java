package dev.pausable.controlplane.dataset;

import dev.pausable.contract.Dataset;
import dev.pausable.contract.NewDataset;
import dev.pausable.controlplane.storage.DataRoots;
import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.NotFoundException;
import dev.pausable.controlplane.web.Paging;
import java.util.List;
import java.util.Map;
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

    private final DatasetRepository datasets;
    private final DataRoots roots;

    DatasetsController(DatasetRepository datasets, DataRoots roots) {
        this.datasets = datasets;
        this.roots = roots;
    }

    /** Registers an existing Parquet or CSV dataset. */
    record RegisterDatasetRequest(String name, String uri, String format, List<String> featureColumns,
                                  List<Integer> featureShape, List<String> labelColumns, Long numSamples,
                                  String task) {
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
        NewDataset dataset = InvalidFieldException.checking(() -> NewDataset.validated(request.name(), request.uri(),
                request.format(), request.numSamples(), request.featureColumns(), request.featureShape(),
                request.labelColumns(), request.task()));
        roots.check("uri", dataset.uri());
        return datasets.insert(UUID.randomUUID(), dataset);
    }
}
