package dev.pausable.controlplane.metrics;

import dev.pausable.contract.AuditKind;
import dev.pausable.contract.ChangeEvent.Keys;
import dev.pausable.contract.DesiredState;
import dev.pausable.contract.JobStatus;
import dev.pausable.controlplane.events.JobEventsWebSocket;
import dev.pausable.controlplane.events.TrainingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The operator's numbers, for Prometheus ({@code /actuator/prometheus}): jobs by status, intents
 * asked (accepted or refused), pause latency (pause asked → PAUSED committed), resume latency
 * (resume asked → first resumed epoch starts), epoch duration, checkpoint size and write time, and
 * WebSocket clients. Latencies come from the database's own clock (audit trail, metrics rows) as
 * the change notifications arrive, so they are measured the same whichever process wrote them.
 */
@Component
public class JobMetrics {

    private static final Duration COUNT_CACHE = Duration.ofSeconds(2);
    /** Far more attempts than are ever paused or resumed at once; older keys cannot recur. */
    private static final int RECORDED_LIMIT = 10_000;

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private final Timer pauseLatency;
    private final Timer resumeLatency;
    private final Timer epochDuration;
    /** Pause and resume latencies already recorded, by job and attempt: each is recorded once. */
    private final Set<String> recorded = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > RECORDED_LIMIT;
                }
            }));
    private volatile Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
    private volatile long countedAt;

    JobMetrics(MeterRegistry registry, JdbcClient jdbc, JobEventsWebSocket clients) {
        this.registry = registry;
        this.jdbc = jdbc;
        for (JobStatus status : JobStatus.values()) {
            Gauge.builder("pausable.jobs", this, metrics -> metrics.count(status))
                    .description("Jobs by status").tag("status", status.wire()).register(registry);
        }
        Gauge.builder("pausable.websocket.clients", clients, JobEventsWebSocket::clientCount)
                .description("Browsers and scripts connected to /ws").register(registry);
        pauseLatency = Timer.builder("pausable.pause.latency")
                .description("Pause requested to PAUSED committed (the rest of the epoch plus the checkpoint)")
                .publishPercentileHistogram().register(registry);
        resumeLatency = Timer.builder("pausable.resume.latency")
                .description("Resume requested to the first resumed epoch starting")
                .publishPercentileHistogram().register(registry);
        epochDuration = Timer.builder("pausable.epoch.duration").description("Wall time of one training epoch")
                .publishPercentileHistogram().register(registry);
    }

    /** An operator intent through the API: {@code accepted} or {@code refused} (a 4xx answer). */
    public void intent(String intent, boolean accepted) {
        Counter.builder("pausable.intents").description("Pause, resume, cancel and delete requests")
                .tag("intent", intent).tag("outcome", accepted ? "accepted" : "refused")
                .register(registry).increment();
    }

    private double count(JobStatus status) {
        if (System.nanoTime() - countedAt > COUNT_CACHE.toNanos()) {
            Map<JobStatus, Long> fresh = new EnumMap<>(JobStatus.class);
            jdbc.sql("SELECT status, count(*) AS n FROM training_jobs GROUP BY status")
                    .query((rs, n) -> fresh.put(JobStatus.fromWire(rs.getString("status")), rs.getLong("n")))
                    .list();
            counts = fresh;
            countedAt = System.nanoTime();
        }
        return counts.getOrDefault(status, 0L);
    }

    @EventListener
    void on(TrainingEvent event) {
        JsonNode data = event.data();
        if (event.kind() == null) {
            return;
        }
        switch (event.kind()) {
            case JOB_UPDATE -> {
                if (JobStatus.PAUSED.wire().equals(data.path(Keys.STATUS).asString(""))) {
                    recordPauseLatency(UUID.fromString(data.path(Keys.JOB_ID).asString()), data.path(Keys.ATTEMPT).asInt());
                }
            }
            case PROGRESS -> {
                epochDuration.record(Duration.ofMillis(data.path(Keys.DURATION_MS).asLong()));
                int attempt = data.path(Keys.ATTEMPT).asInt();
                if (attempt > 1) {
                    recordResumeLatency(UUID.fromString(data.path(Keys.JOB_ID).asString()), attempt,
                            data.path(Keys.EPOCH).asInt(), OffsetDateTime.parse(data.path(Keys.RECORDED_AT).asString())
                                    .minus(Duration.ofMillis(data.path(Keys.DURATION_MS).asLong())));
                }
            }
            case CHECKPOINT_STORED -> {
                String kind = data.path(Keys.KIND).asString("unknown");
                DistributionSummary.builder("pausable.checkpoint.size").baseUnit("bytes")
                        .description("Size of each stored checkpoint").tag("kind", kind).register(registry)
                        .record(data.path(Keys.SIZE_BYTES).asDouble());
                if (data.hasNonNull(Keys.WRITE_MS)) {
                    Timer.builder("pausable.checkpoint.write").description("Encode, hash and upload of a checkpoint")
                            .tag("kind", kind).register(registry)
                            .record(Duration.ofMillis(data.path(Keys.WRITE_MS).asLong()));
                }
            }
            case JOB_DELETED -> {
                // Deletions carry nothing to measure.
            }
        }
    }

    private void recordPauseLatency(UUID job, int attempt) {
        if (!recorded.add("pause:" + job + ":" + attempt)) {
            return;
        }
        pauseLatency(job, attempt).ifPresent(pauseLatency::record);
    }

    private void recordResumeLatency(UUID job, int attempt, int epoch, OffsetDateTime epochStarted) {
        String key = "resume:" + job + ":" + attempt;
        if (recorded.contains(key)) {
            return;
        }
        Integer first = jdbc.sql("SELECT min(epoch) FROM training_metrics WHERE job_id = :job AND attempt = :attempt")
                .param("job", job).param("attempt", attempt).query(Integer.class).single();
        if (first == null || first != epoch || !recorded.add(key)) {
            return;
        }
        jdbc.sql("""
                        SELECT max(created_at) FROM job_events
                        WHERE job_id = :job AND attempt = :attempt AND event_type = :intent AND to_value = :resumeWanted""")
                .param("job", job).param("attempt", attempt)
                .param("intent", AuditKind.INTENT.wire()).param("resumeWanted", DesiredState.RUNNING.wire())
                .query(OffsetDateTime.class).list().stream()
                .filter(asked -> asked != null && !asked.isAfter(epochStarted)).findFirst()
                .ifPresent(asked -> resumeLatency.record(Duration.between(asked, epochStarted)));
    }

    /** From the latest pause request of the attempt to its PAUSED status, both as the audit trail recorded them. */
    private Optional<Duration> pauseLatency(UUID job, int attempt) {
        return jdbc.sql("""
                        SELECT max(created_at) FILTER (WHERE event_type = :intent AND to_value = :pauseWanted) AS asked,
                               max(created_at) FILTER (WHERE event_type = :status AND to_value = :pausedStatus) AS done
                        FROM job_events WHERE job_id = :job AND attempt = :attempt""")
                .param("job", job).param("attempt", attempt)
                .param("intent", AuditKind.INTENT.wire()).param("pauseWanted", DesiredState.PAUSED.wire())
                .param("status", AuditKind.STATUS.wire()).param("pausedStatus", JobStatus.PAUSED.wire())
                .query((rs, n) -> {
                    OffsetDateTime asked = rs.getObject("asked", OffsetDateTime.class);
                    OffsetDateTime done = rs.getObject("done", OffsetDateTime.class);
                    return asked == null || done == null || done.isBefore(asked) ? null : Duration.between(asked, done);
                })
                .list().stream().filter(Objects::nonNull).findFirst();
    }
}
