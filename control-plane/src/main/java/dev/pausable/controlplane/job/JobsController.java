package dev.pausable.controlplane.job;

import dev.pausable.contract.JobAction;
import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import dev.pausable.contract.PauseAt;
import dev.pausable.contract.TrainingJob;
import dev.pausable.contract.Wire;
import dev.pausable.controlplane.auth.Caller;
import dev.pausable.controlplane.metrics.JobMetrics;
import dev.pausable.controlplane.web.ApiException;
import dev.pausable.controlplane.web.InvalidFieldException;
import dev.pausable.controlplane.web.Paging;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/v1/training/jobs")
class JobsController {

    private final JobService service;
    private final JobRepository jobs;
    private final JobTotals totals;
    private final JobMetrics metrics;

    JobsController(JobService service, JobRepository jobs, JobTotals totals, JobMetrics metrics) {
        this.service = service;
        this.jobs = jobs;
        this.totals = totals;
        this.metrics = metrics;
    }

    record CreateJobRequest(String jobName, String jobType, JsonNode config, JsonNode sparkConf, Integer priority) {
    }

    @PostMapping
    ResponseEntity<TrainingJob> create(@RequestBody CreateJobRequest request) {
        TrainingJob job = service.create(request.jobName(), request.jobType(), request.config(), request.sparkConf(),
                request.priority(), Caller.current());
        URI location = ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").buildAndExpand(job.id()).toUri();
        return ResponseEntity.created(location).body(job);
    }

    @GetMapping
    Map<String, Object> list(@RequestParam(required = false) String status,
                             @RequestParam(name = "job_type", required = false) String jobType,
                             @RequestParam(required = false) Integer limit,
                             @RequestParam(required = false) Integer offset) {
        JobStatus statusFilter = parse("status", status, JobStatus::fromWire);
        JobType typeFilter = parse("job_type", jobType, JobType::fromWire);
        Paging paging = Paging.of(limit, offset);
        List<TrainingJob> page = jobs.list(statusFilter, typeFilter, paging.limit(), paging.offset());
        return Map.of("jobs", page, "total", totals.total(statusFilter, typeFilter, paging, page.size()));
    }

    @GetMapping("/{id}")
    TrainingJob get(@PathVariable UUID id) {
        return service.get(id);
    }

    /**
     * Each epoch once (the latest attempt's row); {@code ?attempts=all}: every attempt's rows. Like the
     * events and checkpoints: paged ({@code limit} 1..10000, default 1000; {@code offset}) with {@code total}.
     */
    @GetMapping("/{id}/metrics")
    Map<String, Object> metrics(@PathVariable UUID id, @RequestParam(required = false) String attempts,
                                @RequestParam(required = false) Integer limit,
                                @RequestParam(required = false) Integer offset) {
        if (attempts != null && !attempts.equals("all") && !attempts.equals("latest")) {
            throw new InvalidFieldException("attempts", "must be 'all' or 'latest'");
        }
        Paging paging = Paging.ofHistory(limit, offset);
        return page(id, "metrics", jobs.metrics(service.get(id).id(), "all".equals(attempts), paging), paging);
    }

    /** The train loss within epochs, sampled at the trainer's round reports (each epoch and round once). */
    @GetMapping("/{id}/rounds")
    Map<String, Object> rounds(@PathVariable UUID id) {
        return history(id, "rounds", jobs.roundLosses(service.get(id).id()));
    }

    @GetMapping("/{id}/events")
    Map<String, Object> events(@PathVariable UUID id, @RequestParam(required = false) Integer limit,
                               @RequestParam(required = false) Integer offset) {
        Paging paging = Paging.ofHistory(limit, offset);
        return page(id, "events", jobs.events(service.get(id).id(), paging), paging);
    }

    @GetMapping("/{id}/checkpoints")
    Map<String, Object> checkpoints(@PathVariable UUID id, @RequestParam(required = false) Integer limit,
                                    @RequestParam(required = false) Integer offset) {
        Paging paging = Paging.ofHistory(limit, offset);
        return page(id, "checkpoints", jobs.checkpoints(service.get(id).id(), paging), paging);
    }

    @PostMapping("/{id}/pause")
    @ResponseStatus(HttpStatus.ACCEPTED)
    JobService.Accepted pause(@PathVariable UUID id, @RequestParam(required = false) String at) {
        return counted(JobAction.PAUSE, () -> service.pause(id, pauseAt(at), Caller.current()));
    }

    @PostMapping("/{id}/resume")
    @ResponseStatus(HttpStatus.ACCEPTED)
    JobService.Accepted resume(@PathVariable UUID id) {
        return counted(JobAction.RESUME, () -> service.resume(id, Caller.current()));
    }

    @PostMapping("/{id}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    JobService.Accepted cancel(@PathVariable UUID id) {
        return counted(JobAction.CANCEL, () -> service.cancel(id, Caller.current()));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable UUID id) {
        return counted(JobAction.DELETE, () -> {
            service.delete(id, Caller.current());
            return ResponseEntity.noContent().build();
        });
    }

    /** {@code ?at=epoch|round}; without it, the seed's epoch boundary. */
    private static PauseAt pauseAt(String at) {
        if (at == null) {
            return PauseAt.EPOCH;
        }
        try {
            return PauseAt.fromWire(at);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("at", "must be one of " + Wire.names(List.of(PauseAt.values())));
        }
    }

    /** Counts an operator intent as accepted, or as refused when the rules answer with a problem. */
    private <T> T counted(JobAction intent, Supplier<T> action) {
        try {
            T result = action.get();
            metrics.intent(intent.wire(), true);
            return result;
        } catch (ApiException e) {
            metrics.intent(intent.wire(), false);
            throw e;
        }
    }

    private static Map<String, Object> history(UUID id, String name, List<?> rows) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", id);
        body.put(name, rows);
        return body;
    }

    private static Map<String, Object> page(UUID id, String name, JobRepository.Page<?> page, Paging paging) {
        Map<String, Object> body = history(id, name, page.rows());
        body.put("total", page.total());
        body.put("limit", paging.limit());
        body.put("offset", paging.offset());
        return body;
    }

    private static <T> T parse(String field, String value, java.util.function.Function<String, T> parser) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, "has an unknown value '" + value + "'");
        }
    }
}
