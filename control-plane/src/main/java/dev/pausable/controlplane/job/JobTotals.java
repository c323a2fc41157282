package dev.pausable.controlplane.job;

import dev.pausable.contract.JobStatus;
import dev.pausable.contract.JobType;
import dev.pausable.controlplane.web.Paging;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The job list's {@code total}. A short page tells it; else it is an exact {@code count(*)}, shared for
 * up to {@code pausable.api.list-total-max-age} (default 1 s) by every list with the same filter, and
 * lists that arrive while it runs wait for that one count. With many jobs the count is most of a list's
 * work: without sharing, a hundred clients paging the list count the whole table a hundred times a
 * second. A total may therefore be that much older than the page it comes with; 0 counts every time.
 */
@Component
public class JobTotals {

    private record Filter(JobStatus status, JobType type) {
    }

    private record Count(long startedNanos, CompletableFuture<Long> value) {
    }

    private final JobRepository jobs;
    private final Map<Filter, Count> counts = new ConcurrentHashMap<>();
    private volatile long maxAgeNanos;

    JobTotals(JobRepository jobs, @Value("${pausable.api.list-total-max-age:1s}") Duration maxAge) {
        this.jobs = jobs;
        maxAge(maxAge);
    }

    /** Sets how long a count is shared; the load benchmark compares 0 and the default in one run. */
    public void maxAge(Duration maxAge) {
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("pausable.api.list-total-max-age must not be negative: " + maxAge);
        }
        maxAgeNanos = maxAge.toNanos();
        counts.clear();
    }

    long total(JobStatus status, JobType type, Paging paging, int rowsOnPage) {
        return paging.totalFrom(rowsOnPage).orElseGet(() -> count(status, type));
    }

    private long count(JobStatus status, JobType type) {
        if (maxAgeNanos == 0) {
            return jobs.count(status, type);
        }
        Filter filter = new Filter(status, type);
        long now = System.nanoTime();
        Count mine = new Count(now, new CompletableFuture<>());
        Count shared = counts.compute(filter,
                (key, last) -> last != null && now - last.startedNanos() < maxAgeNanos ? last : mine);
        if (shared == mine) {
            try {
                mine.value().complete(jobs.count(status, type));
            } catch (RuntimeException e) {
                counts.remove(filter, mine);
                mine.value().completeExceptionally(e);
            }
        }
        try {
            return shared.value().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
